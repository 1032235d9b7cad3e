package actions

import (
	"context"
	"net/url"
	"strings"

	"github.com/iotemu/iotemu/rules"
)

// OpenSearch is AWS's OpenSearchAction and ElasticsearchAction (the same
// members): the rule output is indexed as document id of type in index,
// an HTTP PUT that AWS signs as es:ESHttpPut. endpoint (through the API
// and CLI), index, type and id are templates. iotemu does not send it.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/opensearch-rule-action.html#opensearch-rule-action-parameters;
// https://docs.aws.amazon.com/iot/latest/developerguide/elasticsearch-rule-action.html#elasticsearch-rule-action-parameters;
// service-2.json OpenSearchAction, ElasticsearchAction (all members required).
type OpenSearch struct {
	RoleArn  string `json:"roleArn,omitempty"`
	Endpoint string `json:"endpoint"`
	Index    string `json:"index"`
	DocType  string `json:"type"`
	ID       string `json:"id"`
	// kind is the Action member: "openSearch" or "elasticsearch".
	kind string
}

// Elasticsearch returns an ElasticsearchAction (the deprecated member with
// OpenSearchAction's members).
func Elasticsearch(o OpenSearch) *OpenSearch { o.kind = "elasticsearch"; return &o }

// Type returns "openSearch" or, for Elasticsearch, "elasticsearch".
func (a OpenSearch) Type() string {
	if a.kind == "" {
		return "openSearch"
	}
	return a.kind
}

func (a *OpenSearch) check(at string) error {
	return required(at, "endpoint", a.Endpoint, "index", a.Index, "type", a.DocType, "id", a.ID)
}

func (a *OpenSearch) build(e *Env, c rules.ActionCompiler) (executor, error) {
	cc := &compiler{c: c}
	return &searchAction{kind: a.Type(), endpoint: cc.t(a.Endpoint), index: cc.t(a.Index), docType: cc.t(a.DocType), id: cc.t(a.ID)}, cc.err
}

type searchAction struct {
	kind                         string
	endpoint, index, docType, id *rules.Template
}

// searchRequest is the document PUT AWS makes.
type searchRequest struct {
	Method string `json:"method"`
	URL    string `json:"url"`
	Body   string `json:"body"`
}

func (a *searchAction) Execute(ctx context.Context, out rules.Output) (rules.Report, error) {
	const verb = "index document"
	r := renderer{ctx: ctx, out: out}
	endpoint, index, docType, id := r.s(a.endpoint), r.s(a.index), r.s(a.docType), r.s(a.id)
	rep := rules.Report{Type: a.kind, Resource: endpoint}
	if r.err != nil {
		return rep, fail(verb, r.err)
	}
	u := strings.TrimRight(endpoint, "/") + "/" + url.PathEscape(index) + "/" + url.PathEscape(docType) + "/" + url.PathEscape(id)
	recordOnly(&rep, a.kind, "es", "ESHttpPut", searchRequest{Method: "PUT", URL: u, Body: string(out.Payload)})
	return rep, nil
}
