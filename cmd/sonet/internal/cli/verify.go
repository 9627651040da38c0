package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/b24kit/sonet"
	"github.com/spf13/cobra"
)

type verifyFlags struct {
	write    bool
	limits   bool
	markdown bool
	probes   int
	scope    string
}

func (a *app) verifyCmd() *cobra.Command {
	var f verifyFlags
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check that the portal behaves the way the SDK assumes; print a table",
		Long: `verify probes the portal for what the SDK assumes and the documentation leaves
open, and prints a table: check, expected, seen, verdict. It exits 3 when the
portal differs from an assumption (so the table can go into a bug report), 1
when a check got no answer to judge (ERROR: the network, a gateway's error
page, an interrupt), 0 when everything matches or was skipped.

By default it only reads (a few sonet_group.get calls and one batch). Checks
that need at least two or three groups are skipped on a portal with fewer.
--limits sends up to --probes quick reads without the client's limiter to see
how the portal refuses a burst (QUERY_LIMIT_EXCEEDED: 503 or 429); it spends
the portal's request budget for a few seconds. --write also creates, changes
and deletes one temporary group named "sonet-verify-<time>". --scope-probe
METHOD calls a read method outside the credentials' scopes to see the status
of insufficient_scope (403 expected).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runVerify(cmd.Context(), &f)
		},
	}
	cmd.Flags().BoolVar(&f.write, "write", false, "also create, update and delete one temporary group")
	cmd.Flags().BoolVar(&f.limits, "limits", false, "also probe the rate limit with a burst of reads")
	cmd.Flags().IntVar(&f.probes, "probes", 120, "the most requests the --limits probe sends")
	cmd.Flags().BoolVar(&f.markdown, "markdown", false, "print the table as Markdown")
	cmd.Flags().StringVar(&f.scope, "scope-probe", "", "a read `method` outside the credentials' scopes (e.g. crm.lead.list), to see how the portal refuses it")
	return cmd
}

// Verdicts.
const (
	verdictOK      = "ok"
	verdictDiffers = "DIFFERS"
	verdictSkipped = "skipped"
	// verdictError: the check got no answer to judge (the network, a
	// gateway's error page, an interrupt); exit 1, not 3.
	verdictError = "ERROR"
)

type check struct {
	name, expected, seen, verdict string
}

type verifier struct {
	ctx    context.Context
	client *sonet.Client
	checks []check
	sample []sonet.Group // the first groups by ID
}

func (v *verifier) add(name, expected, seen string, ok bool) {
	verdict := verdictOK
	if !ok {
		verdict = verdictDiffers
	}
	v.checks = append(v.checks, check{name, expected, seen, verdict})
}

func (v *verifier) skip(name, expected, why string) {
	v.checks = append(v.checks, check{name, expected, why, verdictSkipped})
}

// fail records a check whose call failed. An error the portal answered
// (*sonet.APIError) is a difference from what the SDK expects; any other
// failure (transport, an answer that is not the portal's JSON, a cancelled
// context) says nothing about the portal's behaviour and is an ERROR.
func (v *verifier) fail(name, expected string, err error) {
	var ae *sonet.APIError
	if errors.As(err, &ae) {
		v.add(name, expected, "error: "+err.Error(), false)
		return
	}
	v.checks = append(v.checks, check{name, expected, "error: " + err.Error(), verdictError})
}

// list calls sonet_group.get with raw parameters (a read, retried).
func (v *verifier) list(params map[string]any) ([]sonet.Group, *sonet.Response, error) {
	var rows []sonet.Group
	resp, err := v.client.Call(v.ctx, "sonet_group.get", params, &rows, sonet.Idempotent())
	return rows, resp, err
}

func (a *app) runVerify(ctx context.Context, f *verifyFlags) error {
	client, err := a.client()
	if err != nil {
		return err
	}
	v := &verifier{ctx: ctx, client: client}
	if f.write {
		v.writeChecks()
	}
	rows, _, err := v.list(map[string]any{"ORDER": map[string]any{"ID": "ASC"}, "IS_ADMIN": "Y"})
	if err != nil && ctx.Err() != nil {
		printChecks(a.env.Stdout, v.checks, f.markdown) // what --write did before the interrupt
		return &exitError{code: exitFailure, msg: "verify: interrupted; the table above is incomplete"}
	}
	if err != nil {
		return fmt.Errorf("verify: the first read failed, nothing was checked: %w", err)
	}
	v.sample = rows
	v.timeBlock()
	v.startMinusOne()
	v.uppercaseKeys()
	v.idCursor()
	v.operators()
	v.batchMissingPath()
	v.operatingInBatch()
	v.scopeProbe(f.scope)
	if f.limits {
		a.limitProbe(ctx, v, f.probes)
	} else {
		v.skip("QUERY_LIMIT_EXCEEDED status", "503", "not probed (--limits)")
	}
	printChecks(a.env.Stdout, v.checks, f.markdown)
	if ctx.Err() != nil {
		// Checks cut short by the interrupt show its error, not the portal's
		// behaviour: no verdict, and the exit code of a failure.
		return &exitError{code: exitFailure, msg: "verify: interrupted; the table above is incomplete"}
	}
	errs := 0
	for _, c := range v.checks {
		if c.verdict == verdictDiffers {
			return &exitError{code: exitDiffers, msg: "the portal differs from what the SDK assumes (see DIFFERS above)"}
		}
		if c.verdict == verdictError {
			errs++
		}
	}
	if errs > 0 {
		return &exitError{code: exitFailure, msg: fmt.Sprintf("%d checks got no answer to judge (see ERROR above); run verify again", errs)}
	}
	return nil
}

func printChecks(w io.Writer, checks []check, markdown bool) {
	if markdown {
		fmt.Fprintln(w, "| check | expected | seen | verdict |")
		fmt.Fprintln(w, "|---|---|---|---|")
		for _, c := range checks {
			fmt.Fprintf(w, "| %s | %s | %s | %s |\n", mdCell(c.name), mdCell(c.expected), mdCell(c.seen), c.verdict)
		}
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tEXPECTED\tSEEN\tVERDICT")
	for _, c := range checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.name, c.expected, c.seen, c.verdict)
	}
	tw.Flush()
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func ids(rows []sonet.Group) []int {
	out := make([]int, len(rows))
	for i, g := range rows {
		out[i] = g.ID
	}
	return out
}

func idList(rows []sonet.Group, max int) string {
	l := ids(rows)
	if len(l) > max {
		return "[" + joinInts(l[:max]) + ", ...] (" + fmt.Sprint(len(l)) + " rows)"
	}
	return "[" + joinInts(l) + "]"
}
