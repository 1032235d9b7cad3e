package emulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/iotemu/iotemu/emulator"
	"github.com/iotemu/iotemu/testkit"
)

// consoleBrowser starts headless Chromium (skipped when it is absent).
func consoleBrowser(t *testing.T) context.Context {
	t.Helper()
	path := requireTool(t, "chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 1200))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// pollJS waits until a JavaScript expression is true in the page.
func pollJS(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// TestConsoleBrowser: the console page in headless Chromium connects its
// live feed, shows a message published over MQTT, and editing a shadow's
// desired state there publishes a delta an MQTT subscriber receives.
// IOTEMU_CONSOLE_SCREENSHOT=<file.png> also saves a screenshot.
func TestConsoleBrowser(t *testing.T) {
	t.Parallel()
	ctx := consoleBrowser(t)
	emu := testkit.Start(t, testkit.WithShadow("lamp", "", `{"state":{"reported":{"on":false,"brightness":40}}}`),
		testkit.WithRule("hot", "SELECT * FROM 'sensors/+/temp' WHERE temp > 30"))
	device := emu.Connect(t, "console-device")
	deltas := device.Subscribe(t, "$aws/things/lamp/shadow/update/delta", 1)
	device.Subscribe(t, "sensors/#", 1)

	if err := chromedp.Do(ctx, chromedp.Navigate(emu.Endpoint()+"/console")); err != nil {
		t.Fatal(err)
	}
	pollJS(t, ctx, "live feed", `window.consoleReady === true`)

	device.Publish(t, "sensors/kitchen/temp", 1, false, []byte(`{"temp":35}`))
	pollJS(t, ctx, "MQTT message in the stream",
		`document.querySelector("#stream tbody").textContent.includes('{"temp":35}')`)

	pollJS(t, ctx, "shadow editor", `document.querySelector('textarea[data-shadow="lamp/"]') !== null`)
	if err := chromedp.Do(ctx,
		chromedp.SetValue(`textarea[data-shadow="lamp/"]`, `{"on":true,"brightness":40}`),
		chromedp.Click(`button[data-shadow="lamp/"]`)); err != nil {
		t.Fatal(err)
	}
	m := deltas.Next(t, wait)
	var delta struct {
		State map[string]any `json:"state"`
	}
	if err := json.Unmarshal(m.Payload, &delta); err != nil || delta.State["on"] != true || len(delta.State) != 1 {
		t.Fatalf("delta %s: %v; want state {on: true}", m.Payload, err)
	}
	pollJS(t, ctx, "delta shown beside desired and reported",
		`document.querySelector(".delta-doc").textContent.includes('"on": true')`)

	if path := os.Getenv("IOTEMU_CONSOLE_SCREENSHOT"); path != "" {
		for i := range 12 {
			device.Publish(t, "sensors/kitchen/temp", 1, false, []byte(fmt.Sprintf(`{"temp":%d}`, 25+i)))
			device.Publish(t, "sensors/hall/temp", 1, false, []byte(`{"temp":22}`))
		}
		emu.Publish(t, emulator.Message{Topic: "lights/lamp/state", Payload: []byte(`{"on":true}`), QoS: 1})
		pollJS(t, ctx, "rates drawn", `document.querySelectorAll("#rates canvas").length >= 2 && window.consolePolled > 3`)
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, png, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
