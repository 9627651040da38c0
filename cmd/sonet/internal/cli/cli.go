// Package cli is the sonet command: export, apply, verify and call. Run is
// the whole program with its inputs and outputs injected, so tests and the
// bench run it in-process against sonettest.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/b24kit/sonet"
	"github.com/spf13/cobra"
)

// Env is what the command reads and writes besides its arguments.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment (os.Getenv in the binary).
	Getenv func(string) string
	// StdinIsTerminal allows the confirmation prompt of apply;
	// StderrIsTerminal turns the progress bar on.
	StdinIsTerminal  bool
	StderrIsTerminal bool
	// ClientOptions are added to the client's options (tests and the
	// bench pass a clock or an HTTP client).
	ClientOptions []sonet.Option
}

// exitError carries an exit code other than 1 and a message already printed
// (or none).
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // an error: bad input, a failed call, a refused confirmation
	exitUsage   = 2 // bad flags or arguments
	exitDiffers = 3 // verify: the portal differs from the SDK's assumptions
)

// Run runs the command line args (without the program name) and returns the
// process exit code. Errors are printed to env.Stderr; no secret is ever
// printed (errors from the SDK are redacted, and the credentials are never
// echoed).
func Run(ctx context.Context, args []string, env *Env) int {
	root, a := newRoot(ctx, env)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	if !a.started {
		// cobra refused the command line (unknown command, wrong
		// arguments) before any command ran.
		err = usageError{err}
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			printErr(env.Stderr, ee.msg)
		}
		return ee.code
	}
	printErr(env.Stderr, err.Error())
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitFailure
}

// printErr prints one error line, prefixed "sonet: " once (the SDK's own
// errors already start with it).
func printErr(w io.Writer, msg string) {
	if !strings.HasPrefix(msg, "sonet: ") {
		msg = "sonet: " + msg
	}
	fmt.Fprintln(w, msg)
}

// usageError is a bad flag or argument.
type usageError struct{ error }

type app struct {
	started  bool // a command's RunE was entered
	env      *Env
	credFile string
	plan     string
}

func newRoot(ctx context.Context, env *Env) (*cobra.Command, *app) {
	a := &app{env: env}
	root := &cobra.Command{
		Use:   "sonet",
		Short: "Export, apply and verify Bitrix24 workgroups and projects; call any REST method",
		Long: `sonet works with the workgroups and projects of a Bitrix24 portal.

Credentials (never given as a flag value):
  BITRIX24_WEBHOOK_URL                 an incoming webhook URL, or
  BITRIX24_PORTAL_URL + BITRIX24_ACCESS_TOKEN   an OAuth access token, or
  --credentials FILE                   a file holding either, as KEY=VALUE lines
                                       (or just the webhook URL)`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetContext(ctx)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.PersistentFlags().StringVar(&a.credFile, "credentials", "", "read credentials from this `file` instead of the environment")
	root.PersistentFlags().StringVar(&a.plan, "plan", "standard", "the portal's rate-limit plan: standard (2/s, burst 50) or enterprise (5/s, burst 250)")
	root.AddCommand(a.exportCmd(), a.applyCmd(), a.verifyCmd(), a.callCmd())
	for _, c := range root.Commands() {
		if run := c.RunE; run != nil {
			c.RunE = func(cmd *cobra.Command, args []string) error {
				a.started = true
				return run(cmd, args)
			}
		}
	}
	return root, a
}

// client builds the SDK client from the credentials.
func (a *app) client(extra ...sonet.Option) (*sonet.Client, error) {
	var opts []sonet.Option
	switch strings.ToLower(a.plan) {
	case "standard":
		opts = append(opts, sonet.WithPlan(sonet.StandardPlan))
	case "enterprise":
		opts = append(opts, sonet.WithPlan(sonet.EnterprisePlan))
	default:
		return nil, usageError{fmt.Errorf("--plan: want standard or enterprise, got %q", a.plan)}
	}
	creds, err := loadCredentials(a.credFile, a.env.Getenv)
	if err != nil {
		return nil, err
	}
	opts = append(opts, sonet.WithUserAgent("sonet-cli/"+sonet.Version))
	opts = append(opts, a.env.ClientOptions...)
	opts = append(opts, extra...)
	return creds.newClient(opts...)
}
