package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

type applyFlags struct {
	file     string
	yes      bool
	dryRun   bool
	prune    bool
	pruneAll bool
	filters  []string
}

func (a *app) applyCmd() *cobra.Command {
	var f applyFlags
	cmd := &cobra.Command{
		Use:   "apply -f FILE",
		Short: "Make the portal's groups and members match a YAML or JSON file",
		Long: `apply reads the desired state (YAML, JSON, or the JSON Lines or CSV export writes),
reads the portal, prints a plan and, once confirmed, applies it with batch
requests under the rate limiter, then prints what it did. Groups are matched
by exact name. A field or a member list left out of the file is left alone.
Nothing is deleted and no member removed unless asked. --prune removes the
members not in the file from the file's groups that list members, and deletes
the portal groups not in the file, within a scope it must be given:

  --prune --filter KEY=VALUE ...   only groups these filters find (give the
                                   filters the export used) may be deleted
  --prune-all                      every portal group not in the file may be

--prune without either is refused, so the file of a filtered export cannot
delete every group outside its filter by accident.

A file:

  groups:
    - name: Website relaunch
      description: Q3 relaunch
      project: true
      visible: false
      owner_id: 5
      members:
        - {user_id: 5, role: owner}
        - {user_id: 7, role: moderator}
        - {user_id: 9, role: member}

Without --yes, apply asks before changing anything, and refuses when stdin is
not a terminal. A lost answer is reconciled by reading the portal again, never
by sending a create again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.file == "" {
				return usageError{errors.New("apply needs -f FILE (the desired state)")}
			}
			scope, err := pruneScopeOf(&f)
			if err != nil {
				return err
			}
			return a.runApply(cmd.Context(), &f, scope)
		},
	}
	cmd.Flags().StringVarP(&f.file, "file", "f", "", "the desired state: a YAML, JSON or JSON Lines `file` (- for stdin)")
	cmd.Flags().BoolVar(&f.yes, "yes", false, "apply without asking")
	cmd.Flags().BoolVar(&f.dryRun, "dry-run", false, "print the plan and stop")
	cmd.Flags().BoolVar(&f.prune, "prune", false, "also remove members not in the file and delete groups not in the file that --filter finds (needs --filter)")
	cmd.Flags().StringArrayVar(&f.filters, "filter", nil, "with --prune: only groups this sonet_group.get filter `KEY=VALUE` finds may be deleted (as in export); repeatable")
	cmd.Flags().BoolVar(&f.pruneAll, "prune-all", false, "--prune with every portal group in scope: delete every group not in the file")
	return cmd
}

// maxRounds bounds the read-plan-apply rounds after lost answers.
const maxRounds = 3

func (a *app) runApply(ctx context.Context, f *applyFlags, scope pruneScope) error {
	var specs []groupSpec
	var err error
	if f.file == "-" {
		data, rerr := io.ReadAll(a.env.Stdin)
		if rerr != nil {
			return rerr
		}
		specs, err = parseState(stateName(f.file), data)
	} else {
		specs, err = readStateFile(f.file)
	}
	if err != nil {
		return err
	}
	if scope.prune && len(specs) == 0 {
		return &exitError{code: exitFailure, msg: scope.emptyFileRefusal()}
	}
	client, err := a.client()
	if err != nil {
		return err
	}
	out := a.env.Stdout
	bar := newProgress(a.env.Stderr, a.env.StderrIsTerminal, "reading")
	st, err := readPortal(ctx, client, specs, scope.where, bar)
	bar.finish()
	if err != nil {
		return err
	}
	p, err := makePlan(specs, st, scope.prune)
	if err != nil {
		return err
	}
	if err := p.validate(stateName(f.file)); err != nil {
		return err
	}
	if err := checkUsers(ctx, client, p, st.users, a.env.Stderr); err != nil {
		return err
	}
	p.print(out)
	if p.empty() || f.dryRun {
		return nil
	}
	if !f.yes {
		if f.file == "-" {
			return &exitError{code: exitFailure, msg: "not applying: the file came from stdin, so there is no one to confirm; pass --yes to apply without asking (or --dry-run to only see the plan)"}
		}
		if err := a.confirm(ctx); err != nil {
			return err
		}
	}
	ex := &executor{client: client, out: out, settled: map[string]bool{}}
	for round := 1; ; round++ {
		ex.run(ctx, p)
		if ctx.Err() != nil {
			return &exitError{code: exitFailure, msg: "interrupted: the lines above are what was done; the rest was not sent or its answer was lost; run apply again (with --dry-run first) to see what is left"}
		}
		if !ex.unknown {
			break
		}
		if round == maxRounds {
			return &exitError{code: exitFailure, msg: fmt.Sprintf("answers were lost in %d rounds; the portal may be partly changed: run apply again to see what is left", round)}
		}
		fmt.Fprintln(out, "Some answers were lost: reading the portal again to see what took effect.")
		if st, err = readPortal(ctx, client, specs, scope.where, nil); err != nil {
			return err
		}
		if p, err = makePlan(specs, st, scope.prune); err != nil {
			return err
		}
		p.drop(ex.settled)
		if p.empty() {
			fmt.Fprintln(out, "Reconciled: every change is in place.")
			break
		}
		fmt.Fprintln(out, "Still to do:")
		p.print(out)
	}
	if ex.failed > 0 {
		return &exitError{code: exitFailure, msg: fmt.Sprintf("%d changes failed (see above)", ex.failed)}
	}
	fmt.Fprintln(out, "Done.")
	return nil
}

// drop removes the groups this run has settled: a change failed, or a
// create's answer was lost and no group of its name was found (sending it
// again might make a second group). Both were reported when they happened.
func (p *plan) drop(settled map[string]bool) {
	kept := p.groups[:0]
	for _, gp := range p.groups {
		if !settled[gp.spec.Name] {
			kept = append(kept, gp)
		}
	}
	p.groups = kept
	dels := p.deletes[:0]
	for _, g := range p.deletes {
		if !settled[g.Name] {
			dels = append(dels, g)
		}
	}
	p.deletes = dels
}

// confirm asks on stderr and reads the answer from stdin. Ctrl-C at the
// prompt ends the run: the signal cancels ctx (the binary catches it), and a
// read of stdin does not notice that by itself.
func (a *app) confirm(ctx context.Context) error {
	if !a.env.StdinIsTerminal {
		return &exitError{code: exitFailure, msg: "not applying: stdin is not a terminal, so there is no one to confirm; pass --yes to apply without asking (or --dry-run to only see the plan)"}
	}
	fmt.Fprint(a.env.Stderr, "Apply these changes? Only 'yes' is accepted: ")
	type answer struct {
		line string
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		line, err := bufio.NewReader(a.env.Stdin).ReadString('\n')
		got <- answer{line, err}
	}()
	var ans answer
	select {
	case <-ctx.Done():
		fmt.Fprintln(a.env.Stderr)
		return &exitError{code: exitFailure, msg: "not applying: interrupted"}
	case ans = <-got:
	}
	if ans.err != nil && ans.line == "" {
		return &exitError{code: exitFailure, msg: "not applying: no answer"}
	}
	if strings.TrimSpace(ans.line) != "yes" {
		return &exitError{code: exitFailure, msg: "not applying: not confirmed"}
	}
	return nil
}

// stateName is how errors name the desired-state file.
func stateName(file string) string {
	if file == "-" {
		return "<stdin>"
	}
	return file
}
