package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/b24kit/sonet"
	"github.com/spf13/cobra"
)

type callFlags struct {
	data  string
	retry bool
}

func (a *app) callCmd() *cobra.Command {
	var f callFlags
	cmd := &cobra.Command{
		Use:   "call METHOD [key=value ...]",
		Short: "Call any REST method and print the answer as indented JSON",
		Long: `call sends one REST method with the SDK's credentials, encoding, rate limiter
and errors, and prints the answer (result, and total and next when the portal
sends them) as indented JSON on stdout.

Parameters are key=value pairs in PHP bracket syntax, sent in the order given:

  sonet call sonet_group.get 'ORDER[NAME]=ASC' 'FILTER[%NAME]=Sales' start=0
  sonet call sonet_group.user.add GROUP_ID=12 'USER_ID[]=5' 'USER_ID[]=7'

or a JSON object with -d (-d @file reads a file, -d - reads stdin):

  sonet call sonet_group.create -d '{"NAME":"Q3","VISIBLE":"Y"}'

JSON true and false are refused: PHP reads the text "false" as true, so send
"Y"/"N" or 1/0 as the method expects. A call is treated as a write (never
repeated after it may have reached the portal) unless --retry says it is safe
to repeat.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{errors.New("call needs a METHOD")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runCall(cmd.Context(), &f, args[0], args[1:])
		},
	}
	cmd.Flags().StringVarP(&f.data, "data", "d", "", "the parameters as a JSON object (@file reads a file, - reads stdin)")
	cmd.Flags().BoolVar(&f.retry, "retry", false, "the method only reads: retry it through rate limits, network errors and 5xx answers")
	return cmd
}

// pair is one form parameter.
type pair struct{ key, value string }

// formParams sends pairs as they are, in order. It satisfies go-querystring's
// Encoder and the SDK's key-order hook, so sonet's encoder keeps the order.
type formParams []pair

// EncodeValues adds every pair.
func (p formParams) EncodeValues(_ string, v *url.Values) error {
	for _, kv := range p {
		v.Add(kv.key, kv.value)
	}
	return nil
}

// KeyOrder gives the keys in the order they were given.
func (p formParams) KeyOrder(string) []string {
	seen := map[string]bool{}
	var keys []string
	for _, kv := range p {
		if !seen[kv.key] {
			seen[kv.key] = true
			keys = append(keys, kv.key)
		}
	}
	return keys
}

type callParams struct {
	Params formParams `url:"params"`
}

func (a *app) runCall(ctx context.Context, f *callFlags, method string, args []string) error {
	var pairs formParams
	if f.data != "" && len(args) > 0 {
		return usageError{errors.New("give key=value pairs or -d JSON, not both")}
	}
	for _, arg := range args {
		k, v, ok := strings.Cut(arg, "=")
		if !ok || k == "" {
			return usageError{fmt.Errorf("%q: want key=value (PHP bracket syntax: FILTER[%%NAME]=x, USER_ID[]=5)", arg)}
		}
		pairs = append(pairs, pair{k, v})
	}
	if f.data != "" {
		data, err := a.readData(f.data)
		if err != nil {
			return err
		}
		if pairs, err = flattenJSON(data); err != nil {
			return usageError{fmt.Errorf("-d: %w", err)}
		}
	}
	for _, kv := range pairs {
		base, _, _ := strings.Cut(kv.key, "[")
		if strings.EqualFold(base, "auth") {
			return usageError{errors.New("the auth parameter is set from the credentials; never put a token on the command line")}
		}
	}
	client, err := a.client()
	if err != nil {
		return err
	}
	var opts []sonet.CallOption
	if f.retry {
		opts = append(opts, sonet.Idempotent())
	}
	resp, err := client.Call(ctx, method, callParams{Params: pairs}, nil, opts...)
	if err != nil {
		return err
	}
	env := struct {
		Result json.RawMessage `json:"result"`
		Next   *int            `json:"next,omitempty"`
		Total  *int            `json:"total,omitempty"`
	}{Result: resp.Result}
	if resp.HasNext {
		env.Next = &resp.Next
	}
	if resp.HasTotal {
		env.Total = &resp.Total
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(env); err != nil {
		return err
	}
	_, err = a.env.Stdout.Write(buf.Bytes())
	return err
}

func (a *app) readData(arg string) ([]byte, error) {
	switch {
	case arg == "-":
		return io.ReadAll(a.env.Stdin)
	case strings.HasPrefix(arg, "@"):
		return os.ReadFile(arg[1:])
	}
	return []byte(arg), nil
}

// flattenJSON turns a JSON object into bracket-syntax pairs in document
// order: {"FILTER":{"%NAME":"x"},"IDS":[1,2]} gives FILTER[%NAME]=x, IDS[0]=1,
// IDS[1]=2. Numbers keep their text; null is sent empty (as PHP casts it);
// true and false are refused.
func flattenJSON(data []byte) (formParams, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("want a JSON object")
	}
	var out formParams
	if err := flattenObject(dec, "", &out, 0); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON object")
	}
	return out, nil
}

// maxDepth bounds the nesting of a -d object (PHP's own max_input_nesting_level is 64).
const maxDepth = 64

func flattenObject(dec *json.Decoder, prefix string, out *formParams, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("nested deeper than %d levels", maxDepth)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key := tok.(string)
		if prefix != "" {
			key = prefix + "[" + key + "]"
		}
		if err := flattenValue(dec, key, out, depth+1); err != nil {
			return err
		}
	}
	_, err := dec.Token() // }
	return err
}

func flattenValue(dec *json.Decoder, key string, out *formParams, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("nested deeper than %d levels", maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return flattenObject(dec, key, out, depth)
		}
		for i := 0; dec.More(); i++ {
			if err := flattenValue(dec, fmt.Sprintf("%s[%d]", key, i), out, depth+1); err != nil {
				return err
			}
		}
		_, err := dec.Token() // ]
		return err
	case string:
		*out = append(*out, pair{key, t})
	case json.Number:
		*out = append(*out, pair{key, t.String()})
	case nil:
		*out = append(*out, pair{key, ""})
	case bool:
		return fmt.Errorf("%s: true/false cannot be sent (PHP reads \"false\" as true); use \"Y\"/\"N\" or 1/0", key)
	}
	return nil
}
