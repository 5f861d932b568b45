package main

import (
	"context"
	"fmt"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

type checkStat struct {
	Checked     bool    `json:"checked"`
	OK          bool    `json:"ok"`
	Stored      int     `json:"stored"` // load-test messages stored in the run's conversations
	Missing     int     `json:"missing"`
	Duplicated  int     `json:"duplicated"`
	Gaps        int     `json:"gaps"`          // conversations whose seqs are not 1..n without repeats
	SeqMismatch int     `json:"seqMismatch"`   // stored seq differs from the acknowledged one
	Unacked     int     `json:"unackedStored"` // stored although never acknowledged (send error or still in flight)
	Seconds     float64 `json:"seconds"`
	Note        string  `json:"note,omitempty"`
}

// checkMongo reads the messages of the run straight from MongoDB (one
// unfiltered scan: FerretDB's SQLite backend scans the collection for any
// non-_id filter, so per-conversation queries would cost a scan each) and
// checks that every acknowledged message is stored exactly once and, for
// chatdesk, that every conversation's seqs are 1..n with no gap or repeat and
// match the acknowledged seqs.
func checkMongo(ctx context.Context, uri, db, target string, convs []string, acked map[string]ackInfo) (cs checkStat) {
	t0 := time.Now()
	cs = checkStat{Checked: true}
	defer func() { cs.Seconds = time.Since(t0).Seconds() }()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cl, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		cs.Note = err.Error()
		return cs
	}
	defer func() { _ = cl.Disconnect(context.Background()) }()
	want := map[string]bool{}
	for _, c := range convs {
		want[c] = true
	}
	cur, err := cl.Database(db).Collection("messages").Find(ctx, bson.D{},
		options.Find().SetProjection(bson.D{{Key: "conversationId", Value: 1}, {Key: "seq", Value: 1}, {Key: "clientId", Value: 1}}).SetBatchSize(5000))
	if err != nil {
		cs.Note = err.Error()
		return cs
	}
	defer cur.Close(ctx)
	seqs := map[string][]int64{}
	count := map[string]int{}
	storedSeq := map[string]int64{}
	for cur.Next(ctx) {
		var d struct {
			Conv     string `bson:"conversationId"`
			Seq      int64  `bson:"seq"`
			ClientID string `bson:"clientId"`
		}
		if cur.Decode(&d) != nil || !want[d.Conv] {
			continue
		}
		seqs[d.Conv] = append(seqs[d.Conv], d.Seq)
		count[d.ClientID]++
		storedSeq[d.ClientID] = d.Seq
	}
	if err := cur.Err(); err != nil {
		cs.Note = err.Error()
		return cs
	}
	for cid, a := range acked {
		switch n := count[cid]; {
		case n == 0:
			cs.Missing++
		case n > 1:
			cs.Duplicated++
		}
		if target == "chatdesk" && count[cid] == 1 && a.seq != storedSeq[cid] {
			cs.SeqMismatch++
		}
	}
	for cid, n := range count {
		if len(cid) > 0 && (cid[0] == 'v' || cid[0] == 'a') {
			cs.Stored += n
			if _, ok := acked[cid]; !ok {
				cs.Unacked++
			}
		}
	}
	if target == "chatdesk" {
		for _, s := range seqs {
			sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
			for i, v := range s {
				if v != int64(i+1) {
					cs.Gaps++
					break
				}
			}
		}
	} else {
		cs.Note = "baseline: no seq (insertOne per message, checked once per clientId)"
	}
	cs.OK = cs.Missing == 0 && cs.Duplicated == 0 && cs.Gaps == 0 && cs.SeqMismatch == 0
	if len(acked) == 0 {
		cs.OK = false
		cs.Note = fmt.Sprintf("nothing acknowledged %s", cs.Note)
	}
	return cs
}
