package shadow

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
)

// benchState returns a section with n keys, every third one a nested
// object and every fifth one an array.
func benchState(n int, v int) map[string]any {
	m := make(map[string]any, n)
	for i := range n {
		switch {
		case i%3 == 0:
			m[fmt.Sprintf("k%d", i)] = map[string]any{"a": json.Number(fmt.Sprint(v)), "b": "x"}
		case i%5 == 0:
			m[fmt.Sprintf("k%d", i)] = []any{json.Number("1"), json.Number(fmt.Sprint(v))}
		default:
			m[fmt.Sprintf("k%d", i)] = json.Number(fmt.Sprint(i + v))
		}
	}
	return m
}

func BenchmarkComputeDelta(b *testing.B) {
	s, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	desired, reported := benchState(60, 1), benchState(60, 2)
	meta := stampStored(desired, "1700000000").(map[string]any)
	b.ReportAllocs()
	for b.Loop() {
		if d, _ := s.computeDelta(desired, reported, meta); len(d) == 0 {
			b.Fatal("empty delta")
		}
	}
}

func BenchmarkUpdate(b *testing.B) {
	s, err := New(Config{Publisher: PublisherFunc(func(context.Context, string, []byte) error { return nil })})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	seed, _ := json.Marshal(map[string]any{"state": map[string]any{"desired": benchState(40, 1), "reported": benchState(40, 2)}})
	if _, err := s.Update(ctx, "bench", "", seed); err != nil {
		b.Fatal(err)
	}
	req := []byte(`{"state":{"reported":{"k1":5,"k3":{"a":1}}},"clientToken":"bench"}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Update(ctx, "bench", "", req); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
}

// BenchmarkUpdateSmall is a typical device report on a small shadow.
func BenchmarkUpdateSmall(b *testing.B) {
	s, err := New(Config{Publisher: PublisherFunc(func(context.Context, string, []byte) error { return nil })})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	req := []byte(`{"state":{"reported":{"temp":21,"on":true}}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Update(ctx, "bench", "", req); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
}

func BenchmarkHandleMQTTUpdateParallel(b *testing.B) {
	s, err := New(Config{Publisher: PublisherFunc(func(context.Context, string, []byte) error { return nil })})
	if err != nil {
		b.Fatal(err)
	}
	req := []byte(`{"state":{"reported":{"temp":21.5,"on":true}}}`)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			topic := TopicPrefix(fmt.Sprintf("thing%d", i%64), "") + "/update"
			if err := s.HandleMQTT(context.Background(), topic, req); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkPeerJSONRoundTrip is the in-process peer of BenchmarkUpdate: one
// decode and one encode of the same 80-key stored document, the least any
// JSON-stored shadow must pay per update.
func BenchmarkPeerJSONRoundTrip(b *testing.B) {
	doc, _ := json.Marshal(map[string]any{"state": map[string]any{"desired": benchState(40, 1), "reported": benchState(40, 2)}})
	b.ReportAllocs()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(doc, &v); err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}
