package emulator_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/iotemu/iotemu/testkit"
)

// TestGetThingConnectivityData: IndexNotReadyException without
// connectivity indexing, 404 for an unknown thing, then a thing's
// connection as its client ID connects and disconnects.
func TestGetThingConnectivityData(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	if _, err := c.CreateThing(ctx, &iot.CreateThingInput{ThingName: aws.String("dev1")}); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetThingConnectivityData(ctx, &iot.GetThingConnectivityDataInput{ThingName: aws.String("dev1")})
	wantAPIError(t, err, "IndexNotReadyException", 400)
	if _, err := c.UpdateIndexingConfiguration(ctx, &iot.UpdateIndexingConfigurationInput{ThingIndexingConfiguration: &types.ThingIndexingConfiguration{
		ThingIndexingMode: types.ThingIndexingModeRegistry, ThingConnectivityIndexingMode: types.ThingConnectivityIndexingModeStatus,
	}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetThingConnectivityData(ctx, &iot.GetThingConnectivityDataInput{ThingName: aws.String("nobody")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	out, err := c.GetThingConnectivityData(ctx, &iot.GetThingConnectivityDataInput{ThingName: aws.String("dev1")})
	if err != nil || aws.ToBool(out.Connected) || aws.ToString(out.ThingName) != "dev1" || out.Timestamp != nil {
		t.Fatalf("never connected: %+v %v", out, err)
	}
	dev := emu.Connect(t, "dev1")
	testkit.Eventually(t, wait, func() error {
		out, err := c.GetThingConnectivityData(ctx, &iot.GetThingConnectivityDataInput{ThingName: aws.String("dev1")})
		if err != nil {
			return err
		}
		if !aws.ToBool(out.Connected) || aws.ToString(out.ClientId) != "dev1" || out.Timestamp == nil || out.DisconnectReason != "" {
			return fmt.Errorf("connected: %+v", out)
		}
		return nil
	})
	dev.Disconnect()
	testkit.Eventually(t, wait, func() error {
		out, err := c.GetThingConnectivityData(ctx, &iot.GetThingConnectivityDataInput{ThingName: aws.String("dev1")})
		if err != nil {
			return err
		}
		if aws.ToBool(out.Connected) {
			return errors.New("still connected")
		}
		// testkit's Disconnect may close the socket before its DISCONNECT
		// is read: either reason is the broker's true account.
		if r := out.DisconnectReason; r != types.DisconnectReasonValueClientInitiatedDisconnect && r != types.DisconnectReasonValueConnectionLost {
			return fmt.Errorf("disconnected: %+v", out)
		}
		return nil
	})
}
