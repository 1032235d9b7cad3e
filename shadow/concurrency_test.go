package shadow_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/iotemu/iotemu/shadow"
)

// TestConcurrentUpdatesWithoutVersion: every update of one shadow is
// applied exactly once, versions are unique, contiguous and increase for
// each client.
func TestConcurrentUpdatesWithoutVersion(t *testing.T) {
	const clients, perClient = 8, 50
	svc, _, _ := newService(t)
	versions := make([][]int64, clients)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for i := range perClient {
				b, err := svc.Update(context.Background(), "t", "", []byte(fmt.Sprintf(`{"state":{"reported":{"c%d":%d}}}`, c, i)))
				if err != nil {
					t.Errorf("client %d update %d: %v", c, i, err)
					return
				}
				versions[c] = append(versions[c], versionOf(t, b))
			}
		})
	}
	wg.Wait()
	var all []int64
	for c, vs := range versions {
		if !slices.IsSorted(vs) || len(slices.Compact(slices.Clone(vs))) != len(vs) {
			t.Errorf("client %d versions: got %v, want strictly increasing", c, vs)
		}
		all = append(all, vs...)
	}
	slices.Sort(all)
	for i, v := range all {
		if v != int64(i+1) {
			t.Fatalf("versions: got %d at position %d, want %d (no duplicates, no gaps)", v, i, i+1)
		}
	}
	reported := mustGet(t, svc, "t", "")["state"].(map[string]any)["reported"].(map[string]any)
	for c := range clients {
		if got := fmt.Sprint(reported[fmt.Sprintf("c%d", c)]); got != fmt.Sprint(perClient-1) {
			t.Errorf("reported.c%d: got %s, want %d (last write)", c, got, perClient-1)
		}
	}
}

// TestConcurrentOptimisticCounter: clients increment one counter with
// read-modify-write guarded by "version"; a conflict is retried. No
// increment is lost.
func TestConcurrentOptimisticCounter(t *testing.T) {
	const clients, perClient = 6, 25
	svc, _, _ := newService(t)
	mustUpdate(t, svc, "t", "n", `{"state":{"reported":{"n":0}}}`)
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for done := 0; done < perClient; {
				doc := mustGet(t, svc, "t", "n")
				ver := doc["version"]
				n, _ := doc["state"].(map[string]any)["reported"].(map[string]any)["n"].(interface{ Int64() (int64, error) }).Int64()
				req := fmt.Sprintf(`{"state":{"reported":{"n":%d}},"version":%s}`, n+1, ver)
				_, err := svc.Update(context.Background(), "t", "n", []byte(req))
				switch {
				case errors.Is(err, shadow.ErrVersionConflict):
					continue
				case err != nil:
					t.Errorf("update: %v", err)
					return
				}
				done++
			}
		})
	}
	wg.Wait()
	doc := mustGet(t, svc, "t", "n")
	if got := fmt.Sprint(doc["state"].(map[string]any)["reported"].(map[string]any)["n"]); got != fmt.Sprint(clients*perClient) {
		t.Errorf("counter: got %s, want %d", got, clients*perClient)
	}
	if got := fmt.Sprint(doc["version"]); got != fmt.Sprint(clients*perClient+1) {
		t.Errorf("version: got %s, want %d", got, clients*perClient+1)
	}
}

// TestConcurrentShadowsAndMQTT mixes MQTT and REST operations on many
// shadows (run with -race); each shadow ends with its own version count
// and the delta messages of one shadow carry increasing versions.
func TestConcurrentShadowsAndMQTT(t *testing.T) {
	const shadows, perShadow = 16, 20
	svc, rec, _ := newService(t)
	var wg sync.WaitGroup
	for s := range shadows {
		wg.Go(func() {
			name := fmt.Sprintf("s%d", s)
			topic := shadow.TopicPrefix("t", name) + "/update"
			for i := range perShadow {
				req := []byte(fmt.Sprintf(`{"state":{"desired":{"i":%d}}}`, i))
				var err error
				if i%2 == 0 {
					err = svc.HandleMQTT(context.Background(), topic, req)
				} else {
					_, err = svc.Update(context.Background(), "t", name, req)
				}
				if err != nil {
					t.Errorf("%s update %d: %v", name, i, err)
				}
				if _, err := svc.ListNamed(context.Background(), "t", 100, ""); err != nil {
					t.Errorf("ListNamed: %v", err)
				}
			}
		})
	}
	wg.Wait()
	res, err := svc.ListNamed(context.Background(), "t", 100, "")
	if err != nil || len(res.Results) != shadows {
		t.Fatalf("ListNamed: got %d names (%v), want %d", len(res.Results), err, shadows)
	}
	last := map[string]int64{}
	for _, m := range rec.take() {
		tp, ok := shadow.ParseTopic(m.Topic)
		if !ok || tp.Suffix != shadow.SuffixDelta {
			continue
		}
		v := versionOf(t, m.Payload)
		if v <= last[tp.Name] {
			t.Errorf("%s delta versions: got %d after %d, want increasing", tp.Name, v, last[tp.Name])
		}
		last[tp.Name] = v
	}
	for s := range shadows {
		if got := last[fmt.Sprintf("s%d", s)]; got != perShadow {
			t.Errorf("s%d last delta version: got %d, want %d", s, got, perShadow)
		}
	}
}
