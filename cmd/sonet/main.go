// Command sonet runs export, apply, verify and raw calls against a Bitrix24
// portal's workgroups and projects with the github.com/b24kit/sonet SDK.
//
//	sonet export [--members] [--format jsonl|csv] [--filter KEY=VALUE ...]
//	sonet apply -f FILE [--dry-run] [--yes] [--prune --filter KEY=VALUE ... | --prune-all]
//	sonet verify [--write]
//	sonet call METHOD [key=value ...] | -d JSON
//
// Credentials come from BITRIX24_WEBHOOK_URL, or BITRIX24_PORTAL_URL plus
// BITRIX24_ACCESS_TOKEN, or a file named with --credentials; never from a
// flag value. See the repository README, section "Command line".
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/b24kit/sonet/cmd/sonet/internal/cli"
	"golang.org/x/term"
)

func main() {
	// SIGTERM too (CI, kill): verify --write then still deletes its group.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first signal cancels the run (which still cleans up); a second one
	// kills the process as usual.
	go func() { <-ctx.Done(); stop() }()
	code := cli.Run(ctx, os.Args[1:], &cli.Env{
		Stdin:            os.Stdin,
		Stdout:           os.Stdout,
		Stderr:           os.Stderr,
		Getenv:           os.Getenv,
		StdinIsTerminal:  term.IsTerminal(int(os.Stdin.Fd())),
		StderrIsTerminal: term.IsTerminal(int(os.Stderr.Fd())),
	})
	stop()
	os.Exit(code)
}
