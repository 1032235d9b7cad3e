package fleetindex

import (
	"encoding/json"
	"sync"
	"time"
)

// Options configures an Index. The zero value is AWS's behaviour minus its
// delays: indexes are ACTIVE as soon as they are enabled.
type Options struct {
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// BuildDelay holds a newly enabled index in BUILDING (queries fail
	// with IndexNotReadyException) and a reconfigured one in REBUILDING
	// for this long, so that clients' retry paths can be tested. AWS
	// takes about 30-60 s; the default 0 indexes synchronously.
	// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/managing-index.html#describe-index
	BuildDelay time.Duration
	// CanDisable, when set, is asked before thing indexing is turned OFF;
	// its error refuses the update. The root answers it from the dynamic
	// thing groups: "you cannot disable it until you delete all of your
	// dynamic thing groups".
	// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/dynamic-thing-groups.html#indexing-backfill-conflict
	CanDisable func() error
	// OnChange, when set, is called after the indexed data of a thing
	// changed (thingName ""  after a configuration change), outside the
	// index's lock, so dynamic thing groups can recompute membership.
	OnChange func(thingName string)
}

// Index is the AWS_Things and AWS_ThingGroups indexes of one account and
// region. The composition root feeds it with Put and Delete calls from
// the registry, the Device Shadow service and the broker; every method
// is safe for concurrent use.
type Index struct {
	opts Options

	mu  sync.RWMutex
	cfg IndexingConfiguration
	// thingSince/groupSince are when the index was last (re)built;
	// *Rebuild tells BUILDING (first enable) from REBUILDING.
	thingSince, groupSince     time.Time
	thingRebuild, groupRebuild bool

	things  map[string]Thing
	shadows map[string]map[string]*shadowData // thing → shadow name ("" classic)
	conns   map[string]Connectivity
	dd      map[string]json.RawMessage
	groups  map[string]ThingGroup
}

// New returns an Index with every index OFF, as in a new account.
// AWS: https://docs.aws.amazon.com/cli/latest/reference/iot/get-indexing-configuration.html#examples
func New(opts Options) *Index {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Index{
		opts: opts,
		cfg: IndexingConfiguration{
			ThingIndexingConfiguration:      &ThingIndexingConfiguration{ThingIndexingMode: ModeOff},
			ThingGroupIndexingConfiguration: &ThingGroupIndexingConfiguration{ThingGroupIndexingMode: ModeOff},
		},
		things:  map[string]Thing{},
		shadows: map[string]map[string]*shadowData{},
		conns:   map[string]Connectivity{},
		dd:      map[string]json.RawMessage{},
		groups:  map[string]ThingGroup{},
	}
}

func (ix *Index) changed(thingName string) {
	if ix.opts.OnChange != nil {
		ix.opts.OnChange(thingName)
	}
}
