package apigwv2_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"

	"github.com/iotemu/iotemu/internal/apigwv2"
)

// deployedChat is an API with a route, its integration and a deployed
// stage "dev".
func deployedChat(tb testing.TB, f *fixture) string {
	tb.Helper()
	api := aws.ToString(f.wsAPI(tb, "chat").ApiId)
	f.route(tb, api, "$default", f.mockIntegration(tb, api))
	if _, err := f.c.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: &api, StageName: aws.String("dev")}); err != nil {
		tb.Fatal(err)
	}
	if _, err := f.c.CreateDeployment(ctx, &apigatewayv2.CreateDeploymentInput{ApiId: &api, StageName: aws.String("dev")}); err != nil {
		tb.Fatal(err)
	}
	return api
}

// TestSnapshotRestore: a service restored from another's snapshot answers
// the same APIs, serves the deployed stage on its Installer, and encodes
// the same document; a new ID is never one handed out before.
func TestSnapshotRestore(t *testing.T) {
	a := newFixture(t, apigwv2.Config{})
	api := deployedChat(t, a)
	raw, err := a.svc.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	b := newFixture(t, apigwv2.Config{})
	if err := b.svc.Restore(raw); err != nil {
		t.Fatal(err)
	}
	if again, err := b.svc.Snapshot(); err != nil || string(again) != string(raw) {
		t.Fatalf("snapshot of the restored service differs (%v):\n%s\n%s", err, raw, again)
	}
	if served, ok := b.installer.served("dev"); !ok || served.ID != api || len(served.Routes) != 1 {
		t.Fatalf("restored stage served: %v %+v", ok, served)
	}
	routes, err := b.c.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: &api})
	if err != nil || len(routes.Items) != 1 {
		t.Fatalf("GetRoutes after restore: %v %+v", err, routes)
	}
	if other := aws.ToString(b.wsAPI(t, "other").ApiId); other == api {
		t.Fatal("an ID handed out again")
	}
	if err := b.svc.Restore([]byte(`{"version":1,"apis":[{"api":{"apiId":""}}]}`)); err == nil {
		t.Fatal("an API without an ID was restored")
	}
}

// FuzzRestore: any bytes are restored or refused without a panic; a
// refused document leaves the service as it was.
func FuzzRestore(f *testing.F) {
	seed := newFixture(f, apigwv2.Config{})
	deployedChat(f, seed)
	raw, _ := seed.svc.Snapshot()
	f.Add(raw)
	f.Add([]byte(`{"version":1,"apis":[{"api":{"apiId":"a","protocolType":"WEBSOCKET"},"stages":[{"stageName":"s","deploymentId":"d"}],"deployments":[{"deploymentId":"d","snapshot":{}}]}]}`))
	f.Add([]byte(`{"version":1,"apis":[{"api":{"apiId":"a"},"deployments":[{"deploymentId":"d"}]}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		inst := &fakeInstaller{}
		svc := apigwv2.New(apigwv2.Config{Installer: inst})
		before, _ := svc.Snapshot()
		if err := svc.Restore(doc); err != nil {
			if after, _ := svc.Snapshot(); string(after) != string(before) {
				t.Fatal("a refused restore changed the service")
			}
			return
		}
		if _, err := svc.Snapshot(); err != nil {
			t.Fatal(err)
		}
	})
}
