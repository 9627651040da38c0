package cli

import (
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
		progressbar.OptionClearOnFinish(),
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

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
