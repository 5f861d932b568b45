// Command searchbench measures the history search (docs/search.md) on the
// embedded store, FerretDB on SQLite: it seeds conversations and messages
// through the store's real write path (group commit, search queue), lets
// the indexer fold them in while seeding, then times searches through the
// service (desk.Search.Find) and prints a Markdown report. It is a
// benchmark, not a test: `make bench` runs it (BENCH_SCENARIOS=search).
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	drv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/desk"
	"github.com/chatdesk/chatdesk/internal/devstack"
	"github.com/chatdesk/chatdesk/internal/inmem"
	"github.com/chatdesk/chatdesk/internal/mongo"
)

var syllables = strings.Fields(`anh em chị shop bạn mình cho hỏi còn không có được rồi nhé ạ vâng dạ size màu đen trắng đỏ xanh
giá bao nhiêu tiền ship phí đơn hàng mã đặt mua đổi trả hàng lỗi nhận khi nào hôm nay ngày mai tuần sau tháng
áo quần váy túi ví mũ kính đồng hồ điện thoại ốp lưng sạc tai nghe loa chuột bàn phím màn hình máy tính
cảm ơn xin chào tạm biệt được không ạ vậy thì nhưng mà với lại cũng đã sẽ đang vẫn rất quá lắm hơn nhất
địa chỉ quận huyện phường xã thành phố Hà Nội Sài Gòn Đà Nẵng Cần Thơ Hải Phòng Huế Nha Trang
chuyển khoản thanh toán tiền mặt thẻ ví điện tử hoàn tiền khuyến mãi giảm giá mã ưu đãi miễn phí
kiểm tra tình trạng vận chuyển bưu điện nhanh chậm trễ hủy xác nhận gọi lại số điện thoại email
chất lượng tốt đẹp bền rẻ đắt mới cũ chính hãng bảo hành tháng năm đổi mới sửa chữa cửa hàng chi nhánh`)

var surnames = []string{"Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"}
var given = strings.Fields("An Bình Chi Dũng Giang Hà Hải Hằng Hoa Hùng Khánh Lan Linh Long Mai Minh Nam Ngọc Phương Quân Quỳnh Sơn Tâm Thảo Trang Tuấn Vy Yến")

func message(r *rand.Rand, i int) string {
	n := 4 + r.IntN(11)
	words := make([]string, 0, n+4)
	for range n {
		// Squaring the uniform draw favours the first syllables (a rough
		// Zipf): a few words are common, most are rare.
		x := r.Float64()
		words = append(words, syllables[int(x*x*float64(len(syllables)))])
	}
	switch {
	case i%12 == 0:
		words = append(words, "giày", "dép")
	case i%12 == 5:
		words = append(words, "Giày")
	case i%20 == 3:
		words = append(words, "giao", "hàng", "nhanh")
	}
	if i%2500 == 7 {
		words = append(words, "khiếu", "nại", "#1234")
	}
	return strings.Join(words, " ")
}

func main() {
	nMsgs := flag.Int("messages", 100000, "messages to seed")
	nConvs := flag.Int("conversations", 5000, "conversations to spread them over")
	shards := flag.Int("shards", mongo.DefaultSearchShards, "search index shards (collections of terms, and of segments)")
	runs := flag.Int("runs", 40, "timed runs per query")
	senders := flag.Int("senders", 64, "concurrent senders while seeding")
	flag.Parse()
	if err := run(*nMsgs, *nConvs, *shards, *runs, *senders); err != nil {
		fmt.Fprintln(os.Stderr, "searchbench:", err)
		os.Exit(1)
	}
}

func run(nMsgs, nConvs, shards, runs, senders int) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "searchbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	m, err := devstack.StartMongo(ctx, "127.0.0.1:0", dir)
	if err != nil {
		return err
	}
	defer m.Stop()

	// Ack latency without and with the search queue, on fresh databases
	// of the same size (2,000 messages over 100 conversations each).
	ackOff, err := ackLatency(ctx, m.URI, "ack_off", shards, true, senders)
	if err != nil {
		return err
	}
	ackOn, err := ackLatency(ctx, m.URI, "ack_on", shards, false, senders)
	if err != nil {
		return err
	}

	db, err := mongo.Open(ctx, m.URI, "searchbench", mongo.Options{SearchShards: shards})
	if err != nil {
		return err
	}
	defer db.Close(ctx)
	if err := db.EnsureIndexes(ctx); err != nil {
		return err
	}
	if _, err := db.RebuildSearch(ctx); err != nil { // marks the empty index built
		return err
	}
	start := time.Now()
	convs, err := seed(ctx, db, nMsgs, nConvs, senders)
	if err != nil {
		return err
	}
	seeded := time.Since(start)
	// The indexer ran during the seeding; wait for what is left.
	for {
		n, err := db.IndexQueued(ctx, 20)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	indexed := time.Since(start)

	core := desk.New(desk.Deps{Store: db, Coord: inmem.NewCoordinator(nil), Search: db}, desk.Config{NodeID: "bench"})
	agent := desk.Actor{Agent: &chat.Agent{ID: "a1", Name: "An", Role: chat.RoleAgent}}
	find := func(q, cursor string) (*desk.SearchPage, time.Duration, error) {
		t0 := time.Now()
		p, err := core.Search.Find(ctx, agent, chat.ConversationFilter{Query: q, Limit: 20, Cursor: cursor}, "")
		return p, time.Since(t0), err
	}
	first, _, err := find("giày", "")
	if err != nil {
		return err
	}
	cases := []struct{ name, q, cursor string }{
		{"common word", "giày", ""},
		{"rare word", "khiếu", ""},
		{"two words", "giày dép", ""},
		{"phrase", `"giao hàng nhanh"`, ""},
		{"accent-free", "giay dep", ""},
		{"literal", "#1234", ""},
		{"name prefix", "Nguy", ""},
		{"miss", "xyzabc", ""},
		{"page 2", "giày", first.Next},
	}
	fmt.Printf("History search on the embedded store (FerretDB %s on SQLite), %s\n\n", "v1", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Printf("- %d messages in %d conversations, %d shards; written and indexed (indexer running alongside) in %s, queue empty %s after the first message\n",
		nMsgs, len(convs), shards, seeded.Round(time.Second), indexed.Round(time.Second))
	fmt.Printf("- ack (InsertMessage, %d concurrent senders): without the search queue p50 %s p95 %s; with it p50 %s p95 %s\n",
		senders, ackOff[0], ackOff[1], ackOn[0], ackOn[1])
	if err := indexSize(ctx, m.URI, "searchbench"); err != nil {
		return err
	}
	fmt.Printf("\n| query | results (page 1) | p50 | p95 |\n|---|---|---|---|\n")
	for _, c := range cases {
		var ds []time.Duration
		hits := 0
		for range runs {
			p, d, err := find(c.q, c.cursor)
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			hits = len(p.Items)
			ds = append(ds, d)
		}
		p50, p95 := pct(ds)
		fmt.Printf("| %s `%s` | %d | %s | %s |\n", c.name, c.q, hits, p50, p95)
	}
	return nil
}

func pct(ds []time.Duration) (time.Duration, time.Duration) {
	slices.Sort(ds)
	at := func(p float64) time.Duration {
		return ds[min(len(ds)-1, int(p*float64(len(ds))))].Round(100 * time.Microsecond)
	}
	return at(0.50), at(0.95)
}

// seed writes nConvs conversations and nMsgs messages through the store
// (senders at once), with an indexer draining the queue meanwhile.
func seed(ctx context.Context, db *mongo.DB, nMsgs, nConvs, senders int) ([]string, error) {
	r := rand.New(rand.NewPCG(1, 2))
	convs := make([]string, nConvs)
	for i := range convs {
		name := surnames[r.IntN(len(surnames))] + " " + given[r.IntN(len(given))]
		c := &chat.Conversation{Status: chat.StatusResolved, Priority: chat.PriorityNormal, CreatedAt: time.Now().UTC(),
			Visitor: chat.Visitor{Name: name, Phone: fmt.Sprintf("09%08d", i)},
			Answers: []chat.Answer{{Key: "name", Label: "Họ tên", Type: chat.FieldText, Value: name}, {Key: "phone", Label: "Số điện thoại", Type: chat.FieldPhone, Value: fmt.Sprintf("09%08d", i)}}}
		if err := db.CreateConversation(ctx, c); err != nil {
			return nil, err
		}
		convs[i] = c.ID
	}
	stop := make(chan struct{})
	indexErr := make(chan error, 1)
	go func() {
		for {
			n, err := db.IndexQueued(ctx, 20)
			if err != nil {
				indexErr <- err
				return
			}
			if n == 0 {
				select {
				case <-stop:
					indexErr <- nil
					return
				case <-time.After(200 * time.Millisecond):
				}
			}
		}
	}()
	_, err := send(ctx, db, convs, nMsgs, senders, 0)
	close(stop)
	if ierr := <-indexErr; err == nil {
		err = ierr
	}
	return convs, err
}

// send inserts n messages round robin over convs; it returns the ack
// latencies.
func send(ctx context.Context, db *mongo.DB, convs []string, n, senders, seqBase int) ([]time.Duration, error) {
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	next := make(chan int)
	for range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(seqBase), 7))
			for i := range next {
				conv := convs[i%len(convs)]
				m := &chat.Message{ConversationID: conv, Seq: int64(seqBase + i/len(convs) + 1), ClientID: fmt.Sprint("c", i),
					SenderType: chat.SenderVisitor, Kind: chat.KindText, Text: message(r, i), CreatedAt: time.Now().UTC()}
				t0 := time.Now()
				err := db.InsertMessage(ctx, m)
				d := time.Since(t0)
				mu.Lock()
				lat = append(lat, d)
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return lat, firstErr
}

func ackLatency(ctx context.Context, uri, name string, shards int, off bool, senders int) ([2]time.Duration, error) {
	db, err := mongo.Open(ctx, uri, name, mongo.Options{SearchShards: shards, NoSearchQueue: off})
	if err != nil {
		return [2]time.Duration{}, err
	}
	defer db.Close(ctx)
	if err := db.EnsureIndexes(ctx); err != nil {
		return [2]time.Duration{}, err
	}
	convs := make([]string, 100)
	for i := range convs {
		c := &chat.Conversation{Status: chat.StatusWaiting, CreatedAt: time.Now().UTC()}
		if err := db.CreateConversation(ctx, c); err != nil {
			return [2]time.Duration{}, err
		}
		convs[i] = c.ID
	}
	lat, err := send(ctx, db, convs, 2000, senders, 0)
	if err != nil {
		return [2]time.Duration{}, err
	}
	p50, p95 := pct(lat)
	return [2]time.Duration{p50, p95}, nil
}

// indexSize prints the documents and bytes of the index's collections
// (collStats), beside the messages'.
func indexSize(ctx context.Context, uri, name string) error {
	client, err := drv.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		return err
	}
	defer client.Disconnect(ctx)
	d := client.Database(name)
	colls, err := d.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return err
	}
	var termDocs, termBytes, segDocs, segBytes, msgDocs, msgBytes int64
	for _, c := range colls {
		var st struct {
			Count int64 `bson:"count"`
			Size  int64 `bson:"size"`
		}
		if err := d.RunCommand(ctx, bson.D{{Key: "collStats", Value: c}}).Decode(&st); err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(c, "search_terms_"):
			termDocs, termBytes = termDocs+st.Count, termBytes+st.Size
		case strings.HasPrefix(c, "search_segments_"):
			segDocs, segBytes = segDocs+st.Count, segBytes+st.Size
		case c == "messages":
			msgDocs, msgBytes = st.Count, st.Size
		}
	}
	fmt.Printf("- index: %d term documents (%.1f MB), %d segments (%.1f MB); messages: %d documents (%.1f MB) (collStats sizes)\n",
		termDocs, float64(termBytes)/1e6, segDocs, float64(segBytes)/1e6, msgDocs, float64(msgBytes)/1e6)
	return nil
}
