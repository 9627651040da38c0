package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/b24kit/sonet"
	"github.com/spf13/cobra"
)

// groupRecord is one exported group: the fields sonet_group.get returns, in
// snake_case, plus the members when asked. It is also the shape apply reads
// (the read-only fields are accepted there and ignored).
type groupRecord struct {
	ID              int    `json:"id"`
	Name            string `json:"name"`
	Description     string `json:"description"`
	Keywords        string `json:"keywords"`
	Active          bool   `json:"active"`
	Visible         bool   `json:"visible"`
	Opened          bool   `json:"opened"`
	Closed          bool   `json:"closed"`
	Project         bool   `json:"project"`
	IsExtranet      bool   `json:"is_extranet"`
	SiteID          string `json:"site_id"`
	SubjectID       int    `json:"subject_id"`
	SubjectName     string `json:"subject_name"`
	OwnerID         int    `json:"owner_id"`
	NumberOfMembers int    `json:"number_of_members"`
	Image           string `json:"image,omitempty"`
	DateCreate      string `json:"date_create"`
	DateUpdate      string `json:"date_update"`
	DateActivity    string `json:"date_activity"`
	// Members is written only by export --members; absent, apply leaves
	// the group's members alone.
	Members []memberRecord `json:"members,omitempty"`
}

type memberRecord struct {
	UserID int    `json:"user_id"`
	Role   string `json:"role"`
}

var csvHeader = []string{"id", "name", "description", "keywords", "active", "visible", "opened", "closed", "project",
	"is_extranet", "site_id", "subject_id", "subject_name", "owner_id", "number_of_members", "image",
	"date_create", "date_update", "date_activity", "members"}

func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func recordOf(g *sonet.Group) groupRecord {
	return groupRecord{
		ID: g.ID, Name: g.Name, Description: g.Description, Keywords: g.Keywords, Active: g.Active,
		Visible: g.Visible, Opened: g.Opened, Closed: g.Closed, Project: g.Project, IsExtranet: g.IsExtranet,
		SiteID: g.SiteID, SubjectID: g.SubjectID, SubjectName: g.SubjectName, OwnerID: g.OwnerID,
		NumberOfMembers: g.NumberOfMembers, Image: g.Image, DateCreate: isoDate(g.DateCreate),
		DateUpdate: isoDate(g.DateUpdate), DateActivity: isoDate(g.DateActivity),
	}
}

// roleName is the file's word for a portal role letter.
func roleName(r sonet.Role) string {
	switch r {
	case sonet.RoleOwner:
		return "owner"
	case sonet.RoleModerator:
		return "moderator"
	case sonet.RoleMember:
		return "member"
	}
	return string(r)
}

func (r *groupRecord) csvRow() []string {
	b := strconv.FormatBool
	var members []string
	for _, m := range r.Members {
		members = append(members, strconv.Itoa(m.UserID)+":"+m.Role)
	}
	row := []string{strconv.Itoa(r.ID), r.Name, r.Description, r.Keywords, b(r.Active), b(r.Visible), b(r.Opened),
		b(r.Closed), b(r.Project), b(r.IsExtranet), r.SiteID, strconv.Itoa(r.SubjectID), r.SubjectName,
		strconv.Itoa(r.OwnerID), strconv.Itoa(r.NumberOfMembers), r.Image, r.DateCreate, r.DateUpdate,
		r.DateActivity, strings.Join(members, " ")}
	// Every cell, not only the text ones: a spreadsheet must not run a
	// name like "=HYPERLINK(...)", and one rule for all cells is one rule
	// for apply to reverse.
	for i := range row {
		row[i] = csvEscape(row[i])
	}
	return row
}

type exportFlags struct {
	format   string
	members  bool
	filters  []string
	parallel int
}

func (a *app) exportCmd() *cobra.Command {
	var f exportFlags
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write every group as JSON Lines (default) or CSV to stdout",
		Long: `export writes every group the credentials can see to stdout, one JSON object per
line (or CSV with --format csv), in ID order. It walks the portal with the SDK's
fast scan: up to 2,500 groups per request, sized to stay well inside the portal's
60-second cut-off and paced by its operating budget; --parallel N walks N ID
ranges at once, still in ID order. --members adds each group's members and
roles, read with one batch request per 50 groups. A progress bar appears on
stderr when stderr is a terminal. The JSON Lines and CSV output is valid input
for "sonet apply -f".

In CSV, a cell that starts with = + - @ tab or CR (which a spreadsheet would
run as a formula) or with ' is written with a ' in front; apply takes one
leading ' off every CSV cell, so the export applies unchanged.

--filter takes sonet_group.get filter keys with their operator, e.g.
  --filter PROJECT=Y --filter '%NAME=Sales' --filter '>=DATE_CREATE=2026-01-01T00:00:00+00:00'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runExport(cmd.Context(), &f)
		},
	}
	cmd.Flags().StringVar(&f.format, "format", "jsonl", "output format: jsonl or csv")
	cmd.Flags().BoolVar(&f.members, "members", false, "add each group's members and roles (one batch request per 50 groups)")
	cmd.Flags().IntVar(&f.parallel, "parallel", 0, "walk this many ID ranges at once, 0 to 50 (output stays in ID order)")
	cmd.Flags().StringArrayVar(&f.filters, "filter", nil, "a sonet_group.get filter `KEY=VALUE` (the key may start with an operator: ! != > >= < <= % ?); repeatable")
	return cmd
}

// parseFilters turns KEY=VALUE flags into a filter. The split is at the
// first "=" after the key's leading operator characters, so "=NAME=x" and
// ">=ID=5" work.
func parseFilters(list []string) (sonet.GroupFilter, error) {
	var f sonet.GroupFilter
	for _, s := range list {
		ops := len(s) - len(strings.TrimLeft(s, "!<>=%?"))
		i := strings.Index(s[ops:], "=")
		if i <= 0 {
			return nil, usageError{fmt.Errorf("--filter %q: want KEY=VALUE, e.g. PROJECT=Y or %%NAME=Sales", s)}
		}
		key, value := s[:ops+i], s[ops+i+1:]
		// The portal stores NAME and DESCRIPTION with emoji encoded and
		// its filters compare that form: "--filter %NAME=🚀" sent as typed
		// would find nothing (an empty export, an empty --prune scope).
		if f := strings.ToUpper(key[ops:]); f == "NAME" || f == "DESCRIPTION" {
			value = sonet.StoredForm(value)
		}
		c := sonet.Where(key, value)
		// Checked here, before credentials are read, so a bad filter is a
		// usage error that names the flag and not the SDK's Go API.
		if _, err := (&sonet.GroupListOptions{Filter: sonet.GroupFilter{c}}).Encode(); err != nil {
			msg := err.Error()
			var ve *sonet.ValidationError
			if errors.As(err, &ve) {
				msg = strings.TrimSuffix(ve.Reason, "; use WhereUnchecked to send it anyway")
			}
			return nil, usageError{fmt.Errorf("--filter %q: %s", s, msg)}
		}
		f = append(f, c)
	}
	return f, nil
}

func (a *app) runExport(ctx context.Context, f *exportFlags) error {
	if f.format != "jsonl" && f.format != "csv" {
		return usageError{fmt.Errorf("--format: want jsonl or csv, got %q", f.format)}
	}
	filter, err := parseFilters(f.filters)
	if err != nil {
		return err
	}
	client, err := a.client()
	if err != nil {
		return err
	}
	out := bufio.NewWriterSize(a.env.Stdout, 256<<10)
	defer out.Flush()
	counted := &countingWriter{w: out}
	w := newRecordWriter(counted, f.format)
	err = a.exportTo(ctx, client, w, f, filter)
	if err != nil && w.flush() == nil && counted.n > 0 { // an empty output is refused by apply anyway
		// The rows written so far end at a line boundary and would read as
		// a complete, shorter export: "sonet export | sonet apply --prune"
		// would delete every group after them. This last line is neither
		// JSON nor a CSV row of the export, so apply (and any JSON Lines or
		// CSV reader) refuses the whole output.
		fmt.Fprintln(out, exportIncomplete)
	}
	return err
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// exportIncomplete ends the output of an export that failed midway.
const exportIncomplete = "!sonet export failed: this output is incomplete"

func (a *app) exportTo(ctx context.Context, client *sonet.Client, w *recordWriter, f *exportFlags, filter sonet.GroupFilter) error {
	bar := newProgress(a.env.Stderr, a.env.StderrIsTerminal, "groups")
	defer bar.finish()
	opts := &sonet.GroupScanOptions{Filter: filter, IsAdmin: sonet.Yes, Progress: bar.scan, ScanTuning: sonet.ScanTuning{Parallel: f.parallel}}
	batch := make([]groupRecord, 0, sonet.MaxBatchCommands)
	flush := func() error {
		if f.members {
			gone, err := readMembers(ctx, client, batch)
			if err != nil {
				return err
			}
			batch = dropGone(batch, gone, a.env.Stderr)
		}
		for i := range batch {
			if err := w.write(&batch[i]); err != nil {
				return err
			}
		}
		batch = batch[:0]
		return nil
	}
	for g, err := range client.ScanGroups(ctx, opts) {
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		batch = append(batch, recordOf(&g))
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return w.close()
}

// readMembers fills the members of up to 50 groups with one batch request of
// sonet_group.user.get commands (a read batch that fails as a whole is tried
// again: it changes nothing). It returns the groups deleted meanwhile.
func readMembers(ctx context.Context, client *sonet.Client, recs []groupRecord) (map[int]bool, error) {
	if len(recs) == 0 {
		return nil, nil
	}
	ids := make([]int, len(recs))
	for i := range recs {
		ids[i] = recs[i].ID
	}
	members, gone, err := fetchMembers(ctx, client, ids)
	if err != nil {
		return nil, err
	}
	for i := range recs {
		recs[i].Members = memberRecords(members[recs[i].ID])
	}
	return gone, nil
}

// dropGone removes the groups whose members could not be read because the
// group was deleted while the export ran, and says so on stderr.
func dropGone(recs []groupRecord, gone map[int]bool, stderr io.Writer) []groupRecord {
	kept := recs[:0]
	for _, r := range recs {
		if gone[r.ID] {
			fmt.Fprintf(stderr, "sonet: group %d %q was deleted during the export; left out\n", r.ID, r.Name)
			continue
		}
		kept = append(kept, r)
	}
	return kept
}

func memberRecords(ms []sonet.Member) []memberRecord {
	out := make([]memberRecord, 0, len(ms))
	for _, m := range ms {
		out = append(out, memberRecord{UserID: m.UserID, Role: roleName(m.Role)})
	}
	return out
}

// recordWriter writes records as JSON Lines or CSV.
type recordWriter struct {
	format string
	enc    *json.Encoder
	csv    *csv.Writer
	header bool
}

func newRecordWriter(w io.Writer, format string) *recordWriter {
	rw := &recordWriter{format: format}
	if format == "csv" {
		rw.csv = csv.NewWriter(w)
	} else {
		rw.enc = json.NewEncoder(w)
		rw.enc.SetEscapeHTML(false)
	}
	return rw
}

func (rw *recordWriter) write(r *groupRecord) error {
	if rw.csv == nil {
		return rw.enc.Encode(r)
	}
	if !rw.header {
		rw.header = true
		if err := rw.csv.Write(csvHeader); err != nil {
			return err
		}
	}
	return rw.csv.Write(r.csvRow())
}

// flush writes out the complete rows the CSV writer holds, so that after a
// failure the output ends at a row boundary.
func (rw *recordWriter) flush() error {
	if rw.csv == nil {
		return nil
	}
	rw.csv.Flush()
	return rw.csv.Error()
}

func (rw *recordWriter) close() error {
	if rw.csv == nil {
		return nil
	}
	if !rw.header {
		if err := rw.csv.Write(csvHeader); err != nil {
			return err
		}
	}
	rw.csv.Flush()
	return rw.csv.Error()
}
