package container_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os/exec"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"
	dockercontainer "github.com/moby/moby/api/types/container"
	"github.com/testcontainers/testcontainers-go"

	"github.com/iotemu/iotemu/testkit/container"
)

// TestContainerDataDir: the README's command — a named volume on /data and
// IOTEMU_DATA_DIR=/data — works with the image's unprivileged user (the
// volume takes /data's owner), and what one container wrote (a retained
// message, acknowledged by the HTTP 200) is read back by a second one on
// the same volume.
func TestContainerDataDir(t *testing.T) {
	requireDocker(t)
	img := buildImage(t)
	var suffix [4]byte
	_, _ = rand.Read(suffix[:])
	vol := "iotemu-test-data-" + hex.EncodeToString(suffix[:])
	t.Cleanup(func() { _ = exec.Command("docker", "volume", "rm", "-f", vol).Run() })
	run := func(ctx context.Context) *container.Container {
		t.Helper()
		ctr, err := container.Run(ctx, img,
			testcontainers.WithEnv(map[string]string{"IOTEMU_DATA_DIR": "/data"}),
			testcontainers.WithHostConfigModifier(func(hc *dockercontainer.HostConfig) {
				hc.Binds = append(hc.Binds, vol+":/data")
			}))
		if err != nil {
			if ctr != nil {
				testcontainers.CleanupContainer(t, ctr)
			}
			t.Fatal(err)
		}
		return ctr
	}
	data := func(ctx context.Context, ctr *container.Container) *iotdataplane.Client {
		t.Helper()
		endpoint, err := ctr.HTTPURL(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return iotdataplane.New(iotdataplane.Options{
			BaseEndpoint: aws.String(endpoint), Region: "us-east-1",
			Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	first := run(ctx)
	if _, err := data(ctx, first).Publish(ctx, &iotdataplane.PublishInput{
		Topic: aws.String("box/kept"), Payload: []byte("across containers"), Retain: true, Qos: 1,
	}); err != nil {
		t.Fatal(err)
	}
	if err := first.Terminate(ctx); err != nil {
		t.Fatal(err)
	}

	second := run(ctx)
	testcontainers.CleanupContainer(t, second)
	out, err := data(ctx, second).GetRetainedMessage(ctx, &iotdataplane.GetRetainedMessageInput{Topic: aws.String("box/kept")})
	if err != nil {
		t.Fatalf("GetRetainedMessage from the second container: %v", err)
	}
	if string(out.Payload) != "across containers" {
		t.Errorf("retained payload %q, want %q", out.Payload, "across containers")
	}
}
