package sonet

import (
	"errors"
	"io"
)

// DefaultMaxResponseBytes is the default cap on an answer body (see
// WithMaxResponseBytes).
//
// The largest answer the SDK asks for is a batch of 50 sonet_group.get (or
// socialnetwork.api.workgroup.list) pages of 50 rows: 2,500 rows, the fast
// scans' every request. A row's fixed fields take about 0.6 KiB as the docs'
// example writes them, and about 3.5 KiB with NAME and KEYWORDS at their
// 255-character limit written as \uXXXX escapes; the rest is DESCRIPTION
// (a TEXT column, up to 64 KiB stored, up to six times that escaped). At
// 64 MiB the cap leaves about 26 KiB per row: every fixed field at its
// limit plus an average description of some 22 KiB on the wire (3,700
// Cyrillic characters escaped). Only pages whose every row carries a
// description of several pages of text go past it; raise the cap with
// WithMaxResponseBytes for such a portal, or lower it to bound memory
// tighter.
const DefaultMaxResponseBytes = 64 << 20

// errTooLarge says a body passed the cap.
var errTooLarge = errors.New("body larger than the cap")

// bodyChunk is the first read size; chunks double up to bodyChunkMax.
const (
	bodyChunk    = 32 << 10
	bodyChunkMax = 1 << 20
)

// readBody reads a whole body of at most max bytes.
//
// Memory is bounded by the cap per call in flight: a Content-Length above
// the cap is refused before anything is read; a body without one is read
// in chunks that are never grown by copying, so an endless body costs at
// most max bytes (plus one chunk) before it is refused and dropped. A body
// within the cap is joined into one slice at the end (held twice, briefly).
func readBody(r io.Reader, contentLength, max int64) ([]byte, error) {
	if contentLength > max {
		return nil, errTooLarge
	}
	if contentLength >= 0 {
		buf := make([]byte, contentLength)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		// net/http never reads past Content-Length; another transport
		// might.
		var one [1]byte
		if n, _ := r.Read(one[:]); n > 0 {
			return nil, errTooLarge
		}
		return buf, nil
	}
	var chunks [][]byte
	var total int64
	size := int64(bodyChunk)
	for {
		if size > max+1-total {
			size = max + 1 - total
		}
		chunk := make([]byte, size)
		n, err := io.ReadFull(r, chunk)
		if n > 0 {
			chunks = append(chunks, chunk[:n])
			total += int64(n)
		}
		if total > max {
			return nil, errTooLarge
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if size < bodyChunkMax {
			size *= 2
		}
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	out := make([]byte, 0, total)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return out, nil
}
