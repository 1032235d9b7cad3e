package lambdafn

import (
	"fmt"
	"net/url"
	"strings"
)

// ParseEndpoints reads per-function Invoke API endpoints written
// "name=url,name=url" (the binary's -lambda-endpoints) into the map of
// InvokerConfig.Endpoints. A name may be given as an ARN; it is stored as
// the function's name.
func ParseEndpoints(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		name, raw, ok := strings.Cut(kv, "=")
		name = resolve(strings.TrimSpace(name))
		if !ok || !namePattern.MatchString(name) {
			return nil, fmt.Errorf("parse lambda endpoints: %q is not function=url", kv)
		}
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			return nil, fmt.Errorf("parse lambda endpoints: %q: %q is not an http(s) URL", kv, raw)
		}
		out[name] = u.String()
	}
	return out, nil
}
