package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExportJSONLinesExactRecord(t *testing.T) {
	srv := newPortal(t)
	created := time.Date(2026, 3, 19, 15, 1, 27, 0, time.FixedZone("", 2*3600))
	g := sonettest.NewGroup(`Sales & "Co" <EU>`)
	g.Keywords, g.Project, g.OwnerID = "a,b", true, 1
	g.DateCreate, g.DateUpdate, g.DateActivity = created, created, created
	srv.AddGroup(g)
	r := runCLI(t, srv, "", "export")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, `{"id":1,"name":"Sales & \"Co\" <EU>","description":"","keywords":"a,b","active":true,"visible":true,"opened":false,"closed":false,"project":true,"is_extranet":false,"site_id":"s1","subject_id":1,"subject_name":"Workgroups","owner_id":1,"number_of_members":1,"date_create":"2026-03-19T15:01:27+02:00","date_update":"2026-03-19T15:01:27+02:00","date_activity":"2026-03-19T15:01:27+02:00"}`+"\n", r.stdout)
	assert.Empty(t, r.stderr, "no progress bar when stderr is not a terminal")
}

func TestExportCSVWithMembers(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 2)
	r := runCLI(t, srv, "", "export", "--format", "csv", "--members", "--filter", "%NAME=2")
	require.Equal(t, 0, r.code, r.stderr)
	lines := strings.Split(r.stdout, "\n")
	require.Len(t, lines, 3)
	assert.Equal(t, "id,name,description,keywords,active,visible,opened,closed,project,is_extranet,site_id,subject_id,subject_name,owner_id,number_of_members,image,date_create,date_update,date_activity,members", lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "2,Group 2,Description 2,,true,true,false,false,false,false,s1,1,Workgroups,1,4,,"), lines[1])
	assert.True(t, strings.HasSuffix(lines[1], ",1:owner 2:member 3:moderator 4:member"), lines[1])
}

// Members cost one batch request per 50 groups: 120 groups are one scan
// request and three member requests.
func TestExportRequestCounts(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 120)
	srv.ResetRequests()
	r := runCLI(t, srv, "", "export")
	require.Equal(t, 0, r.code)
	// The scan: one counted command (50 rows, 70 left), then the 2 pages
	// the count asks for.
	assert.Equal(t, 2, len(srv.Requests()))
	srv.ResetRequests()
	r = runCLI(t, srv, "", "export", "--members")
	require.Equal(t, 0, r.code)
	reqs := srv.Requests()
	require.Equal(t, 5, len(reqs))
	var members []int
	for _, q := range reqs {
		assert.Equal(t, "batch", q.Method)
		if n := strings.Count(q.Body, "sonet_group.user.get"); n > 0 {
			members = append(members, n)
		}
	}
	assert.Equal(t, []int{50, 50, 20}, members)
}

func TestExportParallelWritesTheSameOutput(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 6000)
	one := runCLI(t, srv, "", "export")
	require.Equal(t, 0, one.code)
	par := runCLI(t, srv, "", "export", "--parallel", "4")
	require.Equal(t, 0, par.code)
	assert.Equal(t, 6000, strings.Count(par.stdout, "\n"))
	assert.True(t, one.stdout == par.stdout, "same groups, same order")
	bad := runCLI(t, srv, "", "export", "--parallel", "51")
	assert.NotEqual(t, 0, bad.code)
	assert.Contains(t, bad.stderr, "Parallel: 51 is outside 0..50")
}

func TestExportProgressOnlyOnATerminalAndNeverOnStdout(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 60)
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, StderrIsTerminal: true,
		Getenv: func(k string) string { return map[string]string{envWebhookURL: srv.WebhookURL()}[k] }, ClientOptions: noLimits()}
	require.Equal(t, 0, Run(context.Background(), []string{"export"}, env))
	require.NotContains(t, out.String()+errb.String(), secretCode)
	assert.Contains(t, errb.String(), "groups")
	assert.Contains(t, errb.String(), "60/60")
	assert.Equal(t, 60, strings.Count(out.String(), "\n"))
	assert.Equal(t, 60, strings.Count(out.String(), `{"id":`))
}

func TestExportBadFlags(t *testing.T) {
	srv := newPortal(t)
	r := runCLI(t, srv, "", "export", "--format", "xml")
	assert.Equal(t, exitUsage, r.code)
	assert.Equal(t, "sonet: --format: want jsonl or csv, got \"xml\"\n", r.stderr)
	r = runCLI(t, srv, "", "export", "--filter", "NAME")
	assert.Equal(t, exitUsage, r.code)
	assert.Equal(t, "sonet: --filter \"NAME\": want KEY=VALUE, e.g. PROJECT=Y or %NAME=Sales\n", r.stderr)
	// A key the method would drop: a usage error naming the flag, not the
	// SDK's Go names (WhereUnchecked means nothing on a shell).
	r = runCLI(t, srv, "", "export", "--filter", "name=Sales")
	assert.Equal(t, exitUsage, r.code)
	assert.Equal(t, `sonet: --filter "name=Sales": sonet_group.get does not filter on "name" (filter key "name" would be ignored and return every row); field names are upper case`+"\n", r.stderr)
	r = runCLI(t, srv, "", "export", "--filter", "><ID=1")
	assert.Equal(t, exitUsage, r.code)
	assert.Equal(t, `sonet: --filter "><ID=1": sonet_group.get passes the operator "><" to its SQL layer, which does not know it and drops the condition (filter key "><ID")`+"\n", r.stderr)
	assert.Empty(t, srv.Requests())
}

// A group deleted between the scan and the member read is left out, with a
// note on stderr; the other rows are complete.
func TestExportLeavesOutAGroupDeletedMeanwhile(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 3)
	deleted := false
	hook := startProxy(t, srv, rewriter{before: func(method string, f url.Values) int {
		if method == "batch" && strings.Contains(f.Encode(), "sonet_group.user.get") && !deleted {
			deleted = true
			resp, err := http.PostForm(srv.WebhookURL()+"sonet_group.delete", url.Values{"GROUP_ID": {"2"}})
			require.NoError(t, err)
			resp.Body.Close()
		}
		return 0
	}})
	r := runThrough(t, hook, "export", "--members")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "sonet: group 2 \"Group 2\" was deleted during the export; left out\n", r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 2)
	assert.Contains(t, lines[0], `"id":1,`)
	assert.Contains(t, lines[1], `"id":3,`)
}
