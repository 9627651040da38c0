package sonetmock

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/b24kit/sonet/internal/phpjson"
)

// BatchCmd is one command's answer inside a batch answer; see Batch.
type BatchCmd struct {
	key string
	a   Answer
}

// Cmd pairs a batch command key with the answer that command gets. The SDK
// names its commands c0, c1, ... in the order they were added to the batch.
func Cmd(key string, a Answer) BatchCmd { return BatchCmd{key, a} }

// Batch is the answer of the batch method, built from one answer per
// command: a success goes under result (with result_total, result_next and
// result_time when it has them), an error answer under result_error as
// {"error", "error_description"}. Commands left out did not run (after a
// failure with halt). Empty sections are written as PHP writes an empty
// array: [].
//
//	sonetmock.Batch(
//		sonetmock.Cmd("c0", sonetmock.Created(77)),
//		sonetmock.Cmd("c1", sonetmock.SonetError("Wrong group ID")),
//	)
func Batch(cmds ...BatchCmd) Answer {
	var results, errs, totals, nexts, times section
	for _, c := range cmds {
		var p parsed
		if err := json.Unmarshal(c.a.Body, &p); err != nil {
			return Error(http.StatusInternalServerError, "INTERNAL_SERVER_ERROR",
				"sonetmock: batch command "+c.key+" has an answer that is not JSON")
		}
		if p.Error != nil {
			e, _ := phpjson.Marshal(struct {
				Error       string `json:"error"`
				Description string `json:"error_description"`
			}{*p.Error, p.Description})
			errs = append(errs, entry{c.key, e})
			continue
		}
		results = append(results, entry{c.key, p.Result})
		if p.Total != nil {
			totals = append(totals, entry{c.key, *p.Total})
		}
		if p.Next != nil {
			nexts = append(nexts, entry{c.key, *p.Next})
		}
		if len(p.Time) > 0 {
			// A command's time block has no operating figures.
			var tb timeBlock
			if json.Unmarshal(p.Time, &tb) == nil {
				tb.Operating, tb.OperatingResetAt = nil, nil
				b, _ := phpjson.Marshal(tb)
				times = append(times, entry{c.key, b})
			}
		}
	}
	var b bytes.Buffer
	b.WriteString(`{"result":{"result":`)
	results.write(&b)
	b.WriteString(`,"result_error":`)
	errs.write(&b)
	b.WriteString(`,"result_total":`)
	totals.write(&b)
	b.WriteString(`,"result_next":`)
	nexts.write(&b)
	b.WriteString(`,"result_time":`)
	times.write(&b)
	tb, _ := phpjson.Marshal(blockOf(zeroTiming, false))
	b.WriteString(`},"time":`)
	b.Write(tb)
	b.WriteString(`}`)
	return Answer{Status: http.StatusOK, ContentType: jsonType, Body: b.Bytes()}
}

type entry struct {
	key string
	raw []byte
}

// section is a PHP array: [] when empty, a list when its keys are 0..n-1
// in order, else an object.
type section []entry

func (s section) write(b *bytes.Buffer) {
	list := true
	for i, e := range s {
		if e.key != strconv.Itoa(i) {
			list = false
			break
		}
	}
	open, close := byte('{'), byte('}')
	if list {
		open, close = '[', ']'
	}
	b.WriteByte(open)
	for i, e := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		if !list {
			k, _ := phpjson.Marshal(e.key)
			b.Write(k)
			b.WriteByte(':')
		}
		b.Write(e.raw)
	}
	b.WriteByte(close)
}
