package main

import (
	"errors"
	"flag"
	"strings"

	"github.com/iotemu/iotemu/emulator"
)

// authFlags registers strict mode's flags: the mode and one SigV4
// credential. It returns the function that completes the config after
// parsing.
func authFlags(fs *flag.FlagSet, env func(name, def string) string, c *emulator.AuthConfig) func() error {
	mode := fs.String("auth", env("AUTH", "permissive"), "permissive (everyone may do everything) or strict (certificates, SigV4 and IoT policies, as AWS) (IOTEMU_AUTH)")
	var cred emulator.Credential
	fs.StringVar(&cred.AccessKeyID, "access-key-id", env("ACCESS_KEY_ID", ""), "access key ID that SigV4 requests may be signed with in strict mode (IOTEMU_ACCESS_KEY_ID)")
	fs.StringVar(&cred.SecretAccessKey, "secret-access-key", env("SECRET_ACCESS_KEY", ""), "secret of -access-key-id (IOTEMU_SECRET_ACCESS_KEY)")
	fs.StringVar(&cred.SessionToken, "session-token", env("SESSION_TOKEN", ""), "session token that must come with -access-key-id (IOTEMU_SESSION_TOKEN)")
	fs.StringVar(&cred.Principal, "credential-principal", env("CREDENTIAL_PRINCIPAL", ""), "principal of -access-key-id, target of its AttachPolicy (default <account>/<key>) (IOTEMU_CREDENTIAL_PRINCIPAL)")
	policies := fs.String("credential-policies", env("CREDENTIAL_POLICIES", ""), "comma-separated registry policies granted to -access-key-id; none: it may do everything, as an IAM administrator (IOTEMU_CREDENTIAL_POLICIES)")
	return func() error {
		c.Mode = emulator.AuthMode(*mode)
		if cred.AccessKeyID == "" && cred.SecretAccessKey == "" {
			return nil
		}
		if cred.AccessKeyID == "" || cred.SecretAccessKey == "" {
			return errors.New("-access-key-id and -secret-access-key go together")
		}
		if *policies != "" {
			cred.Policies = strings.Split(*policies, ",")
		} else {
			cred.AllowAll = true
		}
		c.Credentials = append(c.Credentials, cred)
		return nil
	}
}
