package actions

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// destination is an HTTP topic rule destination, confirmed once.
type destination struct {
	once sync.Once
	err  error
}

// DestinationConfirmation is the body of AWS's confirmation request.
// AWS: rule-destination-http-managing.html ("Creating HTTP topic rule
// destinations"): POST {confirmationUrl}/?confirmationToken={token} with
// headers x-amz-rules-engine-message-type: DestinationConfirmation and
// x-amz-rules-engine-destination-arn.
type DestinationConfirmation struct {
	Arn               string `json:"arn"`
	ConfirmationToken string `json:"confirmationToken"`
	EnableURL         string `json:"enableUrl"`
	MessageType       string `json:"messageType"`
}

// confirmDestination sends the confirmation request of a destination the
// first time it is used, when Config.ConfirmHTTPDestinations is set; a
// 2xx answer enables it (AWS waits for ConfirmTopicRuleDestination or a
// GET of enableUrl instead: docs/compatibility.md). A refused destination
// stays disabled and fails every message.
func (e *Env) confirmDestination(ctx context.Context, confirmationURL string) error {
	if !e.cfg.ConfirmHTTPDestinations {
		return nil
	}
	e.mu.Lock()
	d, ok := e.destinations[confirmationURL]
	if !ok {
		d = &destination{}
		e.destinations[confirmationURL] = d
	}
	e.mu.Unlock()
	d.once.Do(func() {
		arn := fmt.Sprintf("arn:aws:iot:%s:%s:ruledestination/http/%s", e.cfg.Region, e.cfg.AccountID, e.cfg.NewUUID())
		d.err = e.sendConfirmation(ctx, confirmationURL, arn, e.cfg.NewUUID())
	})
	if d.err != nil {
		return fmt.Errorf("topic rule destination %s is not enabled: %w", confirmationURL, d.err)
	}
	return nil
}

func (e *Env) sendConfirmation(ctx context.Context, confirmationURL, arn, token string) error {
	body, _ := json.Marshal(DestinationConfirmation{
		Arn: arn, ConfirmationToken: token, EnableURL: e.cfg.EnableURLBase + "/confirmdestination/" + url.PathEscape(token),
		MessageType: "DestinationConfirmation",
	})
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	u := strings.TrimSuffix(confirmationURL, "/") + "/?confirmationToken=" + url.QueryEscape(token)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("confirmation request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-amz-rules-engine-message-type", "DestinationConfirmation")
	req.Header.Set("x-amz-rules-engine-destination-arn", arn)
	resp, err := e.cfg.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("confirmation request: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResultBody))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("confirmation request answered status %d", resp.StatusCode)
	}
	return nil
}
