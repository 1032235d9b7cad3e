package apigw_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/iotemu/iotemu/apigw"
)

const broadcastClients = 1000

// receivers is broadcastClients gorilla clients, each reading on its own
// goroutine and counting messages into got.
type receivers struct {
	conns []*websocket.Conn
	got   atomic.Int64
	round chan struct{} // signalled when got reaches target
	want  atomic.Int64
	wg    sync.WaitGroup
}

func dialReceivers(b *testing.B, url string) *receivers {
	b.Helper()
	r := &receivers{round: make(chan struct{}, 1)}
	d := websocket.Dialer{}
	for range broadcastClients {
		ws, _, err := d.Dial(url, nil)
		if err != nil {
			b.Fatalf("dial: %v", err)
		}
		r.conns = append(r.conns, ws)
		r.wg.Go(func() {
			for {
				if _, _, err := ws.ReadMessage(); err != nil {
					return
				}
				if r.got.Add(1) == r.want.Load() {
					r.round <- struct{}{}
				}
			}
		})
	}
	return r
}

// broadcast runs b.N rounds of post-to-all, each waiting until every
// client has the message.
func (r *receivers) broadcast(b *testing.B, post func(i int, msg []byte)) {
	b.Helper()
	msg := []byte(`{"celsius":21.5,"device":"sensor-1"}`)
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		r.want.Store(int64(n+1) * broadcastClients)
		for i := range broadcastClients {
			post(i, msg)
		}
		<-r.round
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/broadcast")
}

func (r *receivers) close() {
	for _, ws := range r.conns {
		_ = ws.Close()
	}
	r.wg.Wait()
}

// BenchmarkBroadcast1000: PostToConnection (the Go method) to each of 1,000
// WebSocket connections, until every client has received the message.
func BenchmarkBroadcast1000(b *testing.B) {
	var mu sync.Mutex
	var ids []string
	s := start(b, apigw.Config{APIs: []apigw.API{{Stage: "prod", Routes: []apigw.Route{{Key: "$connect",
		Integration: apigw.IntegrationFunc(func(_ context.Context, ev []byte) ([]byte, error) {
			i := strings.Index(string(ev), `"connectionId":"`) + len(`"connectionId":"`)
			mu.Lock()
			ids = append(ids, string(ev[i:i+16]))
			mu.Unlock()
			return []byte(`{"statusCode":200}`), nil
		})}}}}})
	r := dialReceivers(b, s.URL()+"/prod")
	defer r.close()
	ctx := context.Background()
	r.broadcast(b, func(i int, msg []byte) {
		if err := s.PostToConnection(ctx, ids[i], msg); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkPeerGorillaBroadcast1000 is the peer: a bare gorilla server
// with the same shape (one writer goroutine and a buffered queue per
// connection, connections in a map under a mutex), broadcasting the same
// message to the same 1,000 clients.
func BenchmarkPeerGorillaBroadcast1000(b *testing.B) {
	var mu sync.Mutex
	queues := map[int]chan []byte{}
	var writers sync.WaitGroup
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		q := make(chan []byte, 256)
		mu.Lock()
		queues[len(queues)] = q
		mu.Unlock()
		writers.Go(func() {
			for m := range q {
				if ws.WriteMessage(websocket.TextMessage, m) != nil {
					break
				}
			}
			_ = ws.Close()
		})
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	r := dialReceivers(b, "ws"+strings.TrimPrefix(srv.URL, "http"))
	defer r.close()
	r.broadcast(b, func(i int, msg []byte) {
		mu.Lock()
		q := queues[i]
		mu.Unlock()
		q <- append([]byte(nil), msg...)
	})
	mu.Lock()
	for _, q := range queues {
		close(q)
	}
	mu.Unlock()
	writers.Wait()
}
