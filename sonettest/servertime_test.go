package sonettest

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
)

// waits records the holds a server-time model asked for, without waiting.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) wait(_ context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return nil
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// batchTimes decodes result_time of a batch answer, per command key.
func batchTimes(t *testing.T, body string) map[string]map[string]float64 {
	t.Helper()
	var inner struct {
		Time map[string]map[string]any `json:"result_time"`
	}
	if err := json.Unmarshal(decode(t, body).Result, &inner); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]float64{}
	for k, m := range inner.Time {
		out[k] = map[string]float64{}
		for f, v := range m {
			if n, ok := v.(float64); ok {
				out[k][f] = n
			}
		}
	}
	return out
}

func TestServerTimeBatchCommandsRunOneAfterAnother(t *testing.T) {
	w := &waits{}
	s, clk := newTestServer(t, WithServerTime(ServerTime{PerCommand: 2 * time.Second, Wait: w.wait}))
	t0 := float64(clk.now().Unix())
	st, body := callForm(t, s, "batch", "cmd[a]=sonet_group.get&cmd[b]=sonet_group.get&cmd[c]=sonet_group.get")
	if st != 200 {
		t.Fatalf("%d %s", st, body)
	}
	tm := batchTimes(t, body)
	for i, k := range []string{"a", "b", "c"} {
		e := tm[k]
		if e["start"] != t0+2*float64(i) || e["duration"] != 2 || e["processing"] != 2 || e["operating"] != 2*float64(i+1) {
			t.Errorf("result_time[%s] = %v", k, e)
		}
	}
	if got := decode(t, body).Time["duration"]; got != 6.0 {
		t.Errorf("batch duration %v, want 6", got)
	}
	if got := w.all(); len(got) != 1 || got[0] != 6*time.Second {
		t.Errorf("answer held %v, want [6s]", got)
	}
	stats := s.Stats()
	if stats.Calls["sonet_group.get"] != 3 || stats.Calls["batch"] != 0 || stats.ServerTime != 6*time.Second || stats.CutOff != 0 {
		t.Errorf("stats %+v", stats)
	}
}

func TestServerTimeParallelSlotsQueue(t *testing.T) {
	w := &waits{}
	s, _ := newTestServer(t, WithServerTime(ServerTime{PerCommand: time.Second, Parallel: 2, Wait: w.wait}))
	// Three requests at the same server instant: two are served at once,
	// the third waits for a slot.
	for i := 0; i < 3; i++ {
		if st, body := callForm(t, s, "sonet_group.get", ""); st != 200 {
			t.Fatalf("%d %s", st, body)
		}
	}
	want := []time.Duration{time.Second, time.Second, 2 * time.Second}
	if got := w.all(); len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("holds %v, want %v", got, want)
	}
}

func TestServerTimeCutOff(t *testing.T) {
	w := &waits{}
	s, _ := newTestServer(t, WithServerTime(ServerTime{PerCommand: 25 * time.Second, Wait: w.wait}))
	st, body := callForm(t, s, "batch", "cmd[a]=sonet_group.get&cmd[b]=sonet_group.get&cmd[c]=sonet_group.get&cmd[d]=sonet_group.get")
	if st != 504 || !strings.Contains(body, "504 Gateway Time-out") {
		t.Fatalf("cut-off answer %d %s", st, body)
	}
	// Commands a, b and c started before the 60 s mark; d never ran.
	stats := s.Stats()
	if stats.CutOff != 1 || stats.Calls["sonet_group.get"] != 3 || stats.ServerTime != DefaultCutOff {
		t.Errorf("stats %+v", stats)
	}
	if got := w.all(); len(got) != 1 || got[0] != DefaultCutOff {
		t.Errorf("held %v, want [60s]", got)
	}
	// The cut-off request was charged up to the cut-off: 60 s, plus 25 s
	// for the next call.
	st, body = callForm(t, s, "sonet_group.get", "")
	if st != 200 || decode(t, body).Time["operating"] != 85.0 {
		t.Errorf("next call %d %s", st, body)
	}
}

func TestServerTimeOperatingBilledPerCommand(t *testing.T) {
	s, _ := newTestServer(t, WithOperatingLimit(5*time.Second),
		WithServerTime(ServerTime{PerCommand: 2 * time.Second, Wait: (&waits{}).wait}))
	st, body := callForm(t, s, "batch", "cmd[a]=sonet_group.get&cmd[b]=sonet_group.get&cmd[c]=sonet_group.get&cmd[d]=sonet_group.get&cmd[e]=sonet_group.get")
	if st != 200 {
		t.Fatalf("%d %s", st, body)
	}
	var inner struct {
		Errors map[string]map[string]string `json:"result_error"`
	}
	if err := json.Unmarshal(decode(t, body).Result, &inner); err != nil {
		t.Fatal(err)
	}
	// a, b, c run (c starts at 4 s, under the 5 s limit, and takes it to
	// 6 s); d and e are refused.
	if len(inner.Errors) != 2 || inner.Errors["d"]["error"] != "OPERATION_TIME_LIMIT" || inner.Errors["e"]["error"] != "OPERATION_TIME_LIMIT" {
		t.Errorf("errors %v", inner.Errors)
	}
	if stats := s.Stats(); stats.OperatingRefused != 2 || stats.Calls["sonet_group.get"] != 3 {
		t.Errorf("stats %+v", stats)
	}
}

func TestServerTimeSpreadIsSeeded(t *testing.T) {
	run := func() []float64 {
		s, _ := newTestServer(t, WithServerTime(ServerTime{PerCommand: time.Second, Spread: 0.5, Seed: 7, Wait: (&waits{}).wait}))
		_, body := callForm(t, s, "batch", "cmd[a]=sonet_group.get&cmd[b]=sonet_group.get")
		tm := batchTimes(t, body)
		return []float64{tm["a"]["duration"], tm["b"]["duration"]}
	}
	a, b := run(), run()
	if a[0] != b[0] || a[1] != b[1] || a[0] == a[1] {
		t.Errorf("durations %v and %v: want equal runs, different commands", a, b)
	}
	for _, d := range a {
		if d < 0.5 || d > 1.5 {
			t.Errorf("duration %v outside 0.5..1.5", d)
		}
	}
}
