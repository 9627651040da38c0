package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/b24kit/sonet"
	"github.com/schollz/progressbar/v3"
)

// progress is a bar on stderr when stderr is a terminal, and nothing at all
// otherwise (no output, no cost).
type progress struct {
	bar *progressbar.ProgressBar
}

func newProgress(w io.Writer, isTerminal bool, what string) *progress {
	if !isTerminal {
		return &progress{}
	}
	bar := progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond),
		// No spinner goroutine: in v3.19.0 it reads the bar's state without
		// the lock (go test -race sees it) and outlives an unfinished bar.
		progressbar.OptionSetSpinnerChangeInterval(0),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
	)
	return &progress{bar: bar}
}

// scan is a sonet.GroupScanOptions.Progress callback.
func (p *progress) scan(s sonet.ScanProgress) {
	if p.bar == nil {
		return
	}
	if s.HasTotal && int64(s.Total) != p.bar.GetMax64() {
		p.bar.ChangeMax64(int64(s.Total))
	}
	_ = p.bar.Set64(int64(s.Rows))
}

// finish shows the final count and ends the line; a walk that stopped
// early keeps its count (the bar never claims rows it did not get).
func (p *progress) finish() {
	if p.bar == nil {
		return
	}
	if st := p.bar.State(); st.Max >= 0 && st.CurrentNum == st.Max {
		_ = p.bar.Finish()
		return
	}
	_ = p.bar.Exit()
}
