package sonetotel_test

import (
	"context"
	"fmt"

	"github.com/b24kit/sonet"
	sonetotel "github.com/b24kit/sonet/otel"
	"github.com/b24kit/sonet/sonettest"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// Trace and count the calls of a client. In production pass your
// application's providers (or none: the global ones are used); here the
// SDK's in-memory exporter and a manual reader show what is recorded.
func ExampleNew() {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))

	obs, err := sonetotel.New(sonetotel.WithTracerProvider(tp), sonetotel.WithMeterProvider(mp))
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := sonettest.NewServer()
	defer srv.Close()
	client, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithObserver(obs))

	ctx := context.Background()
	id, _ := client.CreateGroup(ctx, &sonet.GroupCreateRequest{Name: "Traced"})
	_, _ = client.GetGroup(ctx, id)

	for _, s := range spans.Ended() {
		fmt.Println("span:", s.Name(), s.Status().Code)
	}
	var rm metricdata.ResourceMetrics
	_ = reader.Collect(ctx, &rm)
	for _, m := range rm.ScopeMetrics[0].Metrics {
		if m.Name == "bitrix24.client.requests" {
			total := int64(0)
			for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
				total += dp.Value
			}
			fmt.Println("requests:", total)
		}
	}
	// Output:
	// span: sonet_group.create Unset
	// span: sonet_group.get Unset
	// requests: 2
}
