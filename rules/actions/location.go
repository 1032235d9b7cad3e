package actions

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/iotemu/iotemu/rules"
)

// Location is AWS's LocationAction: BatchUpdateDevicePosition of one
// position of deviceId on the tracker trackerName. deviceId, latitude,
// longitude and the timestamp are templates (trackerName too, through the
// API and CLI); the timestamp's unit is SECONDS, MILLISECONDS (default),
// MICROSECONDS or NANOSECONDS, and without a timestamp the message's time
// is used. iotemu does not send it.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/location-rule-action.html#location-rule-action-parameters;
// service-2.json LocationAction (roleArn, trackerName, deviceId, latitude
// and longitude required), LocationTimestamp (value required).
type Location struct {
	RoleArn     string             `json:"roleArn,omitempty"`
	TrackerName string             `json:"trackerName"`
	DeviceID    string             `json:"deviceId"`
	Timestamp   *LocationTimestamp `json:"timestamp,omitempty"`
	Latitude    string             `json:"latitude"`
	Longitude   string             `json:"longitude"`
}

// LocationTimestamp is AWS's LocationTimestamp.
type LocationTimestamp struct {
	Value string `json:"value"`
	Unit  string `json:"unit,omitempty"`
}

// Type returns "location".
func (Location) Type() string { return "location" }

func (a *Location) check(at string) error {
	if err := required(at, "trackerName", a.TrackerName, "deviceId", a.DeviceID, "latitude", a.Latitude, "longitude", a.Longitude); err != nil {
		return err
	}
	if a.Timestamp != nil {
		return required(at+".timestamp", "value", a.Timestamp.Value)
	}
	return nil
}

func (a *Location) build(e *Env, c rules.ActionCompiler) (executor, error) {
	cc := &compiler{c: c}
	l := &locationAction{env: e, tracker: cc.t(a.TrackerName), device: cc.t(a.DeviceID), lat: cc.t(a.Latitude), lon: cc.t(a.Longitude)}
	if a.Timestamp != nil {
		l.ts, l.unit = cc.t(a.Timestamp.Value), cc.t(a.Timestamp.Unit)
	}
	return l, cc.err
}

type locationAction struct {
	env                                 *Env
	tracker, device, lat, lon, ts, unit *rules.Template
}

// locationInput is geo BatchUpdateDevicePosition (restJson1, PascalCase).
type locationInput struct {
	TrackerName string           `json:"TrackerName"`
	Updates     []locationUpdate `json:"Updates"`
}

type locationUpdate struct {
	DeviceID   string     `json:"DeviceId"`
	Position   [2]float64 `json:"Position"` // longitude, latitude
	SampleTime string     `json:"SampleTime"`
}

func (a *locationAction) Execute(ctx context.Context, out rules.Output) (rules.Report, error) {
	const verb = "update device position"
	r := renderer{ctx: ctx, out: out}
	tracker, device, lat, lon, ts, unit := r.s(a.tracker), r.s(a.device), r.s(a.lat), r.s(a.lon), r.s(a.ts), r.s(a.unit)
	rep := rules.Report{Type: "location", Resource: tracker}
	if r.err != nil {
		return rep, fail(verb, r.err)
	}
	la, err1 := strconv.ParseFloat(lat, 64)
	lo, err2 := strconv.ParseFloat(lon, 64)
	if err1 != nil || err2 != nil {
		return rep, fail(verb, fmt.Errorf("latitude %q and longitude %q must be numbers", lat, lon))
	}
	when := messageTime(out, a.env)
	if ts != "" {
		t, err := epochTime(ts, unit)
		if err != nil {
			return rep, fail(verb, err)
		}
		when = t
	}
	in := locationInput{TrackerName: tracker, Updates: []locationUpdate{{
		DeviceID: device, Position: [2]float64{lo, la}, SampleTime: when.UTC().Format(time.RFC3339Nano),
	}}}
	recordOnly(&rep, "location", "geo", "BatchUpdateDevicePosition", in)
	return rep, nil
}

// epochTime converts an epoch value in a LocationTimestamp unit.
func epochTime(v, unit string) (time.Time, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("timestamp %q is not an epoch time", v)
	}
	switch strings.ToUpper(unit) {
	case "SECONDS":
		return time.Unix(n, 0), nil
	case "", "MILLISECONDS":
		return time.UnixMilli(n), nil
	case "MICROSECONDS":
		return time.UnixMicro(n), nil
	case "NANOSECONDS":
		return time.Unix(0, n), nil
	}
	return time.Time{}, fmt.Errorf("timestamp unit %q is not SECONDS, MILLISECONDS, MICROSECONDS or NANOSECONDS", unit)
}
