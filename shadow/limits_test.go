package shadow_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/iotemu/iotemu/shadow"
)

// nested returns {"k1":{"k2":...{"kN":"v"}}}: N nested objects, N levels.
func nested(levels int) string {
	var b strings.Builder
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, `{"k%d":`, i)
	}
	b.WriteString(`"v"`)
	b.WriteString(strings.Repeat("}", levels))
	return b.String()
}

// blobUpdate returns a reported update whose compact reported section is
// exactly size bytes: {"b":"xxx…"}.
func blobUpdate(size int) string {
	return `{"state":{"reported":{"b":"` + strings.Repeat("x", size-len(`{"b":""}`)) + `"}}}`
}

func TestLimitsAtAndOverBound(t *testing.T) {
	tests := []struct {
		name    string
		thing   string
		shadow  string
		payload string
		want    error
	}{
		{"depth 6", "t", "", `{"state":{"desired":` + nested(6) + `}}`, nil},
		{"depth 7", "t", "", `{"state":{"desired":` + nested(7) + `}}`, shadow.ErrTooDeep},
		{"depth 7 in reported", "t", "", `{"state":{"reported":` + nested(7) + `}}`, shadow.ErrTooDeep},
		{"depth counts arrays", "t", "", `{"state":{"desired":{"a":{"b":{"c":{"d":{"e":[1]}}}}}}}`, nil},
		{"depth counts arrays, one over", "t", "", `{"state":{"desired":{"a":{"b":{"c":{"d":{"e":{"f":[1]}}}}}}}}`, shadow.ErrTooDeep},
		{"state 8192 bytes", "t", "", blobUpdate(8192), nil},
		{"state 8193 bytes", "t", "", blobUpdate(8193), shadow.ErrPayloadTooLarge},
		{"clientToken 64 bytes", "t", "", `{"state":{},"clientToken":"` + strings.Repeat("c", 64) + `"}`, nil},
		{"clientToken 65 bytes", "t", "", `{"state":{},"clientToken":"` + strings.Repeat("c", 65) + `"}`, shadow.ErrInvalidClientToken},
		{"clientToken 64 bytes of 2-byte runes", "t", "", `{"state":{},"clientToken":"` + strings.Repeat("é", 32) + `"}`, nil},
		{"clientToken 66 bytes of 2-byte runes", "t", "", `{"state":{},"clientToken":"` + strings.Repeat("é", 33) + `"}`, shadow.ErrInvalidClientToken},
		{"thing name 128", strings.Repeat("a", 128), "", `{"state":{}}`, nil},
		{"thing name 129", strings.Repeat("a", 129), "", `{"state":{}}`, shadow.ErrValidation},
		{"thing name empty", "", "", `{"state":{}}`, shadow.ErrValidation},
		{"thing name pattern", "a.b", "", `{"state":{}}`, shadow.ErrValidation},
		{"thing name with colon", "a:b_c-d", "", `{"state":{}}`, nil},
		{"shadow name 64", "t", strings.Repeat("s", 64), `{"state":{}}`, nil},
		{"shadow name 65", "t", strings.Repeat("s", 65), `{"state":{}}`, shadow.ErrValidation},
		{"shadow name with dollar", "t", "$s:1", `{"state":{}}`, nil},
		{"shadow name pattern", "t", "s/1", `{"state":{}}`, shadow.ErrValidation},
		{"payload 131072 bytes", "t", "", `{"state":{}}` + strings.Repeat(" ", 128*1024-len(`{"state":{}}`)), nil},
		{"payload 131073 bytes", "t", "", `{"state":{}}` + strings.Repeat(" ", 128*1024+1-len(`{"state":{}}`)), shadow.ErrPayloadTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, _, _ := newService(t)
			_, err := svc.Update(context.Background(), tt.thing, tt.shadow, []byte(tt.payload))
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("Update: got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestLimitsConfigurable(t *testing.T) {
	svc, _, _ := newService(t, func(c *shadow.Config) {
		c.Limits.MaxDepth = 2
		c.Limits.MaxStateBytes = -1
		c.Compat.DepthIgnoresArrays = true
	})
	ctx := context.Background()
	_, err := svc.Update(ctx, "t", "", []byte(`{"state":{"desired":{"a":{"b":1}}}}`))
	if err != nil {
		t.Errorf("depth 2 with MaxDepth 2: got %v, want nil", err)
	}
	_, err = svc.Update(ctx, "t", "", []byte(`{"state":{"desired":{"a":{"b":{"c":1}}}}}`))
	if got, want := shadow.AsError(err).Message, "JSON contains too many levels of nesting; maximum is 2"; got != want {
		t.Errorf("depth 3 with MaxDepth 2: got %q, want %q", got, want)
	}
	if _, err := svc.Update(ctx, "t", "", []byte(`{"state":{"desired":{"a":{"b":[[[1]]]}}}}`)); err != nil {
		t.Errorf("arrays with DepthIgnoresArrays: got %v, want nil", err)
	}
	if _, err := svc.Update(ctx, "t", "", []byte(blobUpdate(20000))); err != nil {
		t.Errorf("20000-byte state with the size limit disabled: got %v, want nil", err)
	}
}

func TestListNamedPageSizeBounds(t *testing.T) {
	svc, _, _ := newService(t)
	ctx := context.Background()
	for _, tt := range []struct {
		size int
		want error
	}{{1, nil}, {100, nil}, {0, nil}, {101, shadow.ErrValidation}, {-1, shadow.ErrValidation}} {
		_, err := svc.ListNamed(ctx, "t", tt.size, "")
		if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
			t.Errorf("ListNamed(pageSize %d): got %v, want %v", tt.size, err, tt.want)
		}
	}
	if _, err := svc.ListNamed(ctx, "t", 1, "!!not-a-token"); !errors.Is(err, shadow.ErrInvalidNextToken) {
		t.Errorf("ListNamed(bad token): got %v, want ErrInvalidNextToken", err)
	}
}

// TestTombstoneTTL: a shadow re-created within the TTL continues its
// version; after it the version restarts at 1.
func TestTombstoneTTL(t *testing.T) {
	svc, _, clk := newService(t)
	ctx := context.Background()
	for range 3 {
		mustUpdate(t, svc, "t", "", `{"state":{"reported":{"a":1}}}`)
	}
	mustDelete(t, svc, "t", "")
	clk.Advance(48 * time.Hour)
	if got := versionOf(t, mustUpdate(t, svc, "t", "", `{"state":{}}`)); got != 4 {
		t.Errorf("version re-created at 48h: got %d, want 4", got)
	}
	mustDelete(t, svc, "t", "")
	clk.Advance(48*time.Hour + time.Second)
	if got := versionOf(t, mustUpdate(t, svc, "t", "", `{"state":{}}`)); got != 1 {
		t.Errorf("version re-created after 48h: got %d, want 1", got)
	}
	_ = ctx
}
