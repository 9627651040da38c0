package cli

import "github.com/spf13/cobra"

func (a *app) verifyCmd() *cobra.Command { return &cobra.Command{Use: "verify"} }
func (a *app) callCmd() *cobra.Command   { return &cobra.Command{Use: "call"} }
