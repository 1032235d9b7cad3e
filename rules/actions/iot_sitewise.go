package actions

import (
	"context"
	"fmt"

	"github.com/iotemu/iotemu/rules"
)

// IotSiteWise is AWS's IotSiteWiseAction: BatchPutAssetPropertyValue of
// its entries, every string member a template. iotemu does not send it;
// the record holds the entries with the templates rendered (the strings AWS
// converts to the API's numbers and booleans).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iotsitewise-rule-action.html#iotsitewise-rule-action-parameters;
// service-2.json IotSiteWiseAction, PutAssetPropertyValueEntry,
// AssetPropertyValue (putAssetPropertyValueEntries, propertyValues, value,
// timestamp and timeInSeconds required).
type IotSiteWise struct {
	RoleArn string          `json:"roleArn,omitempty"`
	Entries []SiteWiseEntry `json:"putAssetPropertyValueEntries"`
}

// SiteWiseEntry is a PutAssetPropertyValueEntry.
type SiteWiseEntry struct {
	EntryID        string          `json:"entryId,omitempty"`
	AssetID        string          `json:"assetId,omitempty"`
	PropertyID     string          `json:"propertyId,omitempty"`
	PropertyAlias  string          `json:"propertyAlias,omitempty"`
	PropertyValues []SiteWiseValue `json:"propertyValues"`
}

// SiteWiseValue is an AssetPropertyValue.
type SiteWiseValue struct {
	Value     SiteWiseVariant   `json:"value"`
	Timestamp SiteWiseTimestamp `json:"timestamp"`
	Quality   string            `json:"quality,omitempty"`
}

// SiteWiseVariant is an AssetPropertyVariant: one of its members is set.
type SiteWiseVariant struct {
	StringValue  string `json:"stringValue,omitempty"`
	IntegerValue string `json:"integerValue,omitempty"`
	DoubleValue  string `json:"doubleValue,omitempty"`
	BooleanValue string `json:"booleanValue,omitempty"`
}

// SiteWiseTimestamp is an AssetPropertyTimestamp.
type SiteWiseTimestamp struct {
	TimeInSeconds string `json:"timeInSeconds"`
	OffsetInNanos string `json:"offsetInNanos,omitempty"`
}

// Type returns "iotSiteWise".
func (IotSiteWise) Type() string { return "iotSiteWise" }

func (a *IotSiteWise) check(at string) error {
	if len(a.Entries) == 0 {
		return &ValidationError{Message: fmt.Sprintf("Value null at '%s.putAssetPropertyValueEntries' failed to satisfy constraint: Member must not be null", at)}
	}
	for i, en := range a.Entries {
		p := fmt.Sprintf("%s.putAssetPropertyValueEntries.%d", at, i+1)
		if len(en.PropertyValues) == 0 {
			return &ValidationError{Message: fmt.Sprintf("Value null at '%s.propertyValues' failed to satisfy constraint: Member must not be null", p)}
		}
		for j, v := range en.PropertyValues {
			if err := required(fmt.Sprintf("%s.propertyValues.%d.timestamp", p, j+1), "timeInSeconds", v.Timestamp.TimeInSeconds); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *IotSiteWise) build(e *Env, c rules.ActionCompiler) (executor, error) {
	cc := &compiler{c: c}
	sw := &siteWiseAction{spec: *a}
	sw.t = map[string]*rules.Template{}
	a.walk(func(s *string) {
		if _, ok := sw.t[*s]; !ok {
			sw.t[*s] = cc.t(*s)
		}
	})
	return sw, cc.err
}

// walk visits every string member that is a template.
func (a *IotSiteWise) walk(f func(*string)) {
	for i := range a.Entries {
		en := &a.Entries[i]
		for _, s := range []*string{&en.EntryID, &en.AssetID, &en.PropertyID, &en.PropertyAlias} {
			f(s)
		}
		for j := range en.PropertyValues {
			v := &en.PropertyValues[j]
			for _, s := range []*string{&v.Value.StringValue, &v.Value.IntegerValue, &v.Value.DoubleValue, &v.Value.BooleanValue,
				&v.Timestamp.TimeInSeconds, &v.Timestamp.OffsetInNanos, &v.Quality} {
				f(s)
			}
		}
	}
}

type siteWiseAction struct {
	spec IotSiteWise
	t    map[string]*rules.Template // by source text
}

// siteWiseInput is iotsitewise BatchPutAssetPropertyValue.
type siteWiseInput struct {
	Entries []SiteWiseEntry `json:"entries"`
}

func (a *siteWiseAction) Execute(ctx context.Context, out rules.Output) (rules.Report, error) {
	r := renderer{ctx: ctx, out: out}
	spec := a.spec
	spec.Entries = cloneEntries(spec.Entries)
	spec.walk(func(s *string) { *s = r.s(a.t[*s]) })
	rep := rules.Report{Type: "iotSiteWise"}
	if len(spec.Entries) > 0 {
		rep.Resource = spec.Entries[0].PropertyAlias
		if rep.Resource == "" {
			rep.Resource = spec.Entries[0].AssetID
		}
	}
	if r.err != nil {
		return rep, fail("put asset property values to IoT SiteWise", r.err)
	}
	recordOnly(&rep, "iotSiteWise", "iotsitewise", "BatchPutAssetPropertyValue", siteWiseInput{Entries: spec.Entries})
	return rep, nil
}

// cloneEntries copies the entries so that rendering leaves the spec intact.
func cloneEntries(in []SiteWiseEntry) []SiteWiseEntry {
	out := make([]SiteWiseEntry, len(in))
	for i, en := range in {
		out[i] = en
		out[i].PropertyValues = append([]SiteWiseValue(nil), en.PropertyValues...)
	}
	return out
}
