package emulator

import (
	"embed"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/iotemu/iotemu/internal/awsrest"
)

// The web console (/console on the HTTP port): static assets embedded in
// the binary (plain HTML, JS and CSS, no build step, nothing fetched from
// elsewhere) over the emulator's own APIs: GET /iotemu/state (polled),
// iot-data Publish and UpdateThingShadow, POST /iotemu/clock, and one
// live feed of its own, GET /iotemu/console/messages: every message any
// client publishes (AWS's "#": not $ topics), as server-sent events.

//go:embed console
var consoleFS embed.FS

// consoleAssets serves /console (index.html) and /console/{file}.
func consoleAssets() http.Handler {
	sub, err := fs.Sub(consoleFS, "console")
	if err != nil {
		panic(err) // the embedded folder exists at build time
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2 := r.Clone(r.Context())
		r2.URL.Path = strings.TrimPrefix(r.URL.Path, "/console")
		if r2.URL.Path == "" {
			r2.URL.Path = "/"
		}
		r2.URL.RawPath = ""
		w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self' data:")
		files.ServeHTTP(w, r2)
	})
}

// consoleFeeds ends the live feeds when the Server closes (http.Server's
// Shutdown would otherwise wait for them).
type consoleFeeds struct {
	once sync.Once
	done chan struct{}
}

func newConsoleFeeds() consoleFeeds { return consoleFeeds{done: make(chan struct{})} }

func (c *consoleFeeds) stop() { c.once.Do(func() { close(c.done) }) }

// consoleMessage is one event of the feed.
type consoleMessage struct {
	Topic   string    `json:"topic"`
	QoS     byte      `json:"qos"`
	Retain  bool      `json:"retain"`
	Text    *string   `json:"text,omitempty"`    // the payload, if it is UTF-8
	Payload []byte    `json:"payload,omitempty"` // else base64
	Bytes   int       `json:"bytes"`
	At      time.Time `json:"at"`
}

// consoleFeedQueue bounds the messages waiting for a slow browser; more
// are dropped (and counted in a "dropped" event), never the publisher
// blocked.
const consoleFeedQueue = 1024

// handleConsoleMessages streams every published message as server-sent
// events until the client goes or the Server closes.
func (s *Server) handleConsoleMessages(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w) // through the middlewares' writers (Unwrap)
	ch := make(chan consoleMessage, consoleFeedQueue)
	var dropped sync.Mutex
	lost := 0
	unsub, err := s.Subscribe("#", func(m Message) {
		cm := consoleMessage{Topic: m.Topic, QoS: m.QoS, Retain: m.Retain, Bytes: len(m.Payload), At: s.cfg.Clock.Now()}
		if utf8.Valid(m.Payload) {
			t := string(m.Payload)
			cm.Text = &t
		} else {
			cm.Payload = m.Payload
		}
		select {
		case ch <- cm:
		default:
			dropped.Lock()
			lost++
			dropped.Unlock()
		}
	})
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	defer unsub()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("event: ready\ndata: {}\n\n"))
	if err := rc.Flush(); err != nil {
		return // the writer cannot stream; nothing more can be said
	}
	s.log.Info("console feed opened", "remote", r.RemoteAddr)
	keepAlive := time.NewTicker(15 * time.Second) // a comment line keeps proxies from closing an idle stream
	defer keepAlive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.console.done:
			return
		case <-keepAlive.C:
			dropped.Lock()
			n := lost
			lost = 0
			dropped.Unlock()
			line := ": keep-alive\n\n"
			if n > 0 {
				line = "event: dropped\ndata: " + jsonInt(n) + "\n\n"
			}
			if _, err := w.Write([]byte(line)); err != nil {
				return
			}
			_ = rc.Flush() // a failed flush shows as the next Write's error
		case m := <-ch:
			b, _ := json.Marshal(m) // plain fields: cannot fail
			if _, err := w.Write(append(append([]byte("data: "), b...), '\n', '\n')); err != nil {
				return
			}
			_ = rc.Flush() // a failed flush shows as the next Write's error
		}
	}
}

func jsonInt(n int) string { b, _ := json.Marshal(n); return string(b) }

// consolePostLimit is API Gateway's 128 KB message limit.
// AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html#apigateway-execution-service-websocket-limits-table
const consolePostLimit = 128 << 10

// handleConsoleAPIGWPost is the console's post box: PostToConnection on
// the API Gateway mimic, from the HTTP port (the page cannot reach the API
// Gateway port's @connections: another origin).
func (s *Server) handleConsoleAPIGWPost(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(io.LimitReader(r.Body, consolePostLimit+1))
	if err != nil || len(data) > consolePostLimit {
		writeError(w, awsrest.Errorf(http.StatusRequestEntityTooLarge, "PayloadTooLargeException", "Message too long"))
		return
	}
	id := r.PathValue("connectionId")
	if err := s.apigw.PostToConnection(r.Context(), id, data); err != nil {
		writeError(w, awsrest.Errorf(http.StatusGone, "GoneException", "%v", err))
		return
	}
	s.log.Info("console posted to an API Gateway connection", "connection", id, "bytes", len(data))
	w.WriteHeader(http.StatusOK)
}
