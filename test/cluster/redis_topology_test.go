package cluster

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/clienttest"
	"github.com/chatdesk/chatdesk/internal/testenv"
)

// Redis failovers under steady traffic through two nodes behind Nginx
// (issue #13): the Sentinel master SIGKILLed (the replica is promoted), and
// on a 3-master Redis Cluster one shard failed over by CLUSTER FAILOVER,
// then another shard's master SIGKILLed. Each time: every acknowledged
// message stored exactly once with gap-free seqs, clients resume to the
// stored transcript (traffic), and every reply lock has one owner: the
// conversation's assignee, whose messages pass while the other agent's
// are refused (replyLocksAgree).

func TestRedisSentinelFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test starts real processes")
	}
	s := testenv.StartSentinel(t)
	c := startClusterOn(t, 2, "sentinel", s.URL())
	rdb := func() goredis.UniversalClient {
		return goredis.NewFailoverClient(&goredis.FailoverOptions{MasterName: s.MasterName, SentinelAddrs: addrs(s.Sentinels)})
	}
	traffic(t, c, func() {
		start := time.Now()
		m := s.KillMaster()
		t.Logf("sentinel master SIGKILLed; %s promoted after %.1fs", m, time.Since(start).Seconds())
	}, func() {})
	replyLocksAgree(t, c, rdb)
}

func TestRedisClusterFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test starts real processes")
	}
	rc := testenv.StartRedisCluster(t, 3, 1)
	c := startClusterOn(t, 2, "cluster", rc.URL())
	// A client made after the failover, which reads the slot map anew.
	rdb := func() goredis.UniversalClient {
		return goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: rc.Addrs()})
	}
	t.Run("ShardFailover", func(t *testing.T) {
		traffic(t, c, func() {
			start := time.Now()
			old := rc.Masters()[0]
			m := rc.Failover(old)
			t.Logf("CLUSTER FAILOVER: %s replaced %s after %.1fs", m, old, time.Since(start).Seconds())
		}, func() {})
		replyLocksAgree(t, c, rdb)
	})
	t.Run("ShardMasterKilled", func(t *testing.T) {
		traffic(t, c, func() {
			start := time.Now()
			old := rc.Masters()[1]
			m := rc.KillMaster(old)
			t.Logf("shard master %s SIGKILLed; %s promoted after %.1fs", old, m, time.Since(start).Seconds())
		}, func() {})
		replyLocksAgree(t, c, rdb)
	})
}

func addrs(ps []*testenv.RedisProcess) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Addr
	}
	return out
}

// replyLocksAgree checks every assigned conversation: the Redis reply lock,
// when Redis still has it, names the assignee (the durable mirror), never
// someone else; the assignee may send (restoring a lock an asynchronous
// replica lost) and the other agent is refused.
func replyLocksAgree(t *testing.T, c *cluster, newClient func() goredis.UniversalClient) {
	t.Helper()
	rdb := newClient()
	defer rdb.Close()
	adminTok, _ := login(t, c.edge, "admin@chatdesk.local")
	anTok, an := login(t, c.edge, "an@chatdesk.local")
	binhTok, binh := login(t, c.edge, "binh@chatdesk.local")
	tokens := map[string]string{an.ID: anTok, binh.ID: binhTok}
	ctx := context.Background()
	var convs []*chat.Conversation
	cursor := ""
	for {
		var page struct {
			Items []*chat.Conversation
			Next  *string
		}
		path := "/api/conversations?status=assigned"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		if st := api(t, c.edge).Do("GET", path, adminTok, nil, &page); st != 200 {
			t.Fatalf("list conversations: %d", st)
		}
		convs = append(convs, page.Items...)
		if page.Next == nil {
			break
		}
		cursor = *page.Next
	}
	held, lost := 0, 0
	for _, cv := range convs {
		if cv.AssigneeID == "" {
			continue
		}
		owner, err := rdb.Get(ctx, "cl:lock:{"+cv.ID+"}").Result()
		switch {
		case errors.Is(err, goredis.Nil):
			lost++
		case err != nil:
			t.Fatal(err)
		case owner != cv.AssigneeID:
			t.Fatalf("%s: Redis lock names %s, the conversation is %s's", cv.ID, owner, cv.AssigneeID)
		default:
			held++
		}
		other := binh.ID
		if cv.AssigneeID == binh.ID {
			other = an.ID
		}
		var e clienttest.ErrorAnswer
		if st := api(t, c.edge).Do("POST", "/api/conversations/"+cv.ID+"/messages", tokens[other], map[string]string{"text": "không phải của tôi", "clientId": fmt.Sprint("other-", time.Now().UnixNano())}, &e); st != 403 || e.Error.Code != "not_assigned" {
			t.Fatalf("%s: the other agent's send answered %d %s", cv.ID, st, e.Error.Code)
		}
		if st := api(t, c.edge).Do("POST", "/api/conversations/"+cv.ID+"/messages", tokens[cv.AssigneeID], map[string]string{"text": "vẫn là tôi", "clientId": fmt.Sprint("owner-", time.Now().UnixNano())}, nil); st != 201 {
			t.Fatalf("%s: the assignee's send answered %d", cv.ID, st)
		}
		if owner, err := rdb.Get(ctx, "cl:lock:{"+cv.ID+"}").Result(); err != nil || owner != cv.AssigneeID {
			t.Fatalf("%s: after the assignee's send the lock is %q (%v), want %s", cv.ID, owner, err, cv.AssigneeID)
		}
	}
	t.Logf("%d assigned conversations: %d locks held by their assignee, %d lost in the failover and restored from the mirror by the next send", held+lost, held, lost)
	if held+lost == 0 {
		t.Fatal("no assigned conversation found")
	}
}
