// Command clibench measures the sonet command's export and apply against
// sonettest with the standard plan's limits on (2 requests/s, burst 50) on
// both sides, and prints a Markdown table of requests, 503 answers and
// time.
//
//	go run ./internal/clibench                  # 10,000 and 100,000 groups
//	go run ./internal/clibench -groups 10000
//
// Time is simulated as in the library's bench: client and portal share a
// clock that is the real clock plus every rate-limit wait, skipped at once.
// The work is real and the waits are exact, so the figures are what a real
// run would take; -realtime waits for real.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/cmd/sonet/internal/bigportal"
	"github.com/b24kit/sonet/cmd/sonet/internal/cli"
	"github.com/b24kit/sonet/internal/simclock"
)

type clock interface {
	sonet.Clock
}

func main() {
	groupsFlag := flag.String("groups", "10000,100000", "comma-separated portal sizes")
	realtime := flag.Bool("realtime", false, "wait for rate limits in real time")
	flag.Parse()
	mode := "simulated waits (real work; rate-limit waits skipped and added to the clock)"
	if *realtime {
		mode = "real time"
	}
	fmt.Printf("Clock: %s. Portal: sonettest at the standard plan (2/s, burst 50), Go %s, %s/%s, %d CPU.\n\n",
		mode, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	fmt.Println("| Groups | Step | HTTP requests | 503 answers | Time | Result |")
	fmt.Println("|---:|---|---:|---:|---:|---|")
	for _, s := range strings.Split(*groupsFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fail(fmt.Errorf("-groups: %q", s))
		}
		var clk clock = &simclock.Skipping{}
		if *realtime {
			clk = simclock.Real{}
		}
		measure(clk, n)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "clibench:", err)
	os.Exit(1)
}

// measure seeds n groups with three members each and runs: export, export
// --members, apply of that export (no changes), apply after changing 1% of
// the groups (a description and a new moderator each).
func measure(clk clock, n int) {
	srv := bigportal.New(clk.Now, n)
	defer srv.Close()
	dir, err := os.MkdirTemp("", "clibench")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)

	run := func(step string, stdin string, args ...string) string {
		srv.ResetRequests()
		var out, errb bytes.Buffer
		env := &cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
			Getenv:        func(k string) string { return map[string]string{"BITRIX24_WEBHOOK_URL": srv.WebhookURL()}[k] },
			ClientOptions: []sonet.Option{sonet.WithClock(clk)}}
		start := clk.Now()
		code := cli.Run(context.Background(), args, env)
		d := clk.Now().Sub(start)
		if code != 0 {
			fail(fmt.Errorf("%s: exit %d: %s", step, code, errb.String()))
		}
		reqs, fails := 0, 0
		for _, r := range srv.Requests() {
			reqs++
			if r.HTTPStatus == 503 {
				fails++
			}
		}
		result := lastLine(out.String())
		if strings.HasPrefix(args[0], "export") {
			result = fmt.Sprintf("%d rows", strings.Count(out.String(), "\n"))
		}
		fmt.Printf("| %d | %s | %d | %d | %s | %s |\n", n, step, reqs, fails, d.Round(10*time.Millisecond), result)
		return out.String()
	}
	run("export", "", "export")
	exported := run("export --members", "", "export", "--members")
	file := dir + "/groups.jsonl"
	if err := os.WriteFile(file, []byte(exported), 0o600); err != nil {
		fail(err)
	}
	res := run("apply the export", "", "apply", "-f", file, "--yes")
	if !strings.HasPrefix(res, "No changes") {
		fail(fmt.Errorf("apply of the export is not a no-op: %s", firstLine(res)))
	}
	// Change 1% of the groups: new description, one more moderator.
	lines := strings.Split(strings.TrimSpace(exported), "\n")
	for i := 0; i < len(lines); i += 100 {
		lines[i] = strings.Replace(lines[i], `"description":""`, `"description":"changed"`, 1)
		lines[i] = strings.Replace(lines[i], `"members":[`, `"members":[{"user_id":10,"role":"moderator"},`, 1)
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		fail(err)
	}
	run("apply 1% changed", "", "apply", "-f", file, "--yes")
	res = run("apply again", "", "apply", "-f", file, "--yes")
	if !strings.HasPrefix(res, "No changes") {
		fail(fmt.Errorf("second apply is not a no-op: %s", firstLine(res)))
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func firstLine(s string) string { return strings.SplitN(s, "\n", 2)[0] }
