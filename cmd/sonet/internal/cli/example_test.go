package cli_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/b24kit/sonet/cmd/sonet/internal/cli"
	"github.com/b24kit/sonet/sonettest"
)

// Run is the whole command with its inputs and outputs injected: here it
// calls a fake portal, as the binary would with BITRIX24_WEBHOOK_URL set.
func ExampleRun() {
	srv := sonettest.NewServer()
	defer srv.Close()
	srv.AddGroup(sonettest.NewGroup("Website relaunch"))

	code := cli.Run(context.Background(), []string{"call", "--retry", "sonet_group.user.get", "ID=1"}, &cli.Env{
		Stdin:  strings.NewReader(""),
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Getenv: func(key string) string {
			if key == "BITRIX24_WEBHOOK_URL" {
				return srv.WebhookURL()
			}
			return ""
		},
	})
	fmt.Println("exit", code)
	// Output:
	// {
	//   "result": [
	//     {
	//       "USER_ID": "1",
	//       "ROLE": "A"
	//     }
	//   ]
	// }
	// exit 0
}
