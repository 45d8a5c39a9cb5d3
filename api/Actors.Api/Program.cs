using Actors.Api.Audit;
using Actors.Api.Auth;
using Actors.Api.Carts;
using Actors.Api.Cases;
using Actors.Api.Catalog;
using Actors.Api.Checkouts;
using Actors.Api.Consent;
using Actors.Api.Customers;
using Actors.Api.Experiments;
using Actors.Api.Hosting;
using Actors.Api.Identities;
using Actors.Api.Limits;
using Actors.Api.Live;
using Actors.Api.Payments;
using Actors.Api.Pos;
using Actors.Api.Privacy;
using Actors.Api.Problems;
using Actors.Api.StepUp;
using Actors.Api.Support;
using Actors.Api.Wallets;
using OpenTelemetry.Metrics;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.WithoutRequestPaths();

builder.AddActorsClusterClient();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = ApiLimits.MaxRequestBodyBytes);
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.MakeStrict());
builder.Services.AddActorsProblemDetails();
builder.Services.AddActorsAuth();
builder.Services.AddActorsRateLimits();
builder.Services.AddActorsHealthChecks();
builder.Services.AddPaymentHistory(builder.Configuration);
builder.Services.AddAuditTrail();
builder.Services.AddActorsLive();
builder.Services.AddActorsManagement();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
    .AddAspNetCoreInstrumentation()
    .AddMeter("Microsoft.Orleans", Actors.Grains.Payments.PaymentMetrics.MeterName)
    .AddPrometheusExporter());

var app = builder.Build();
app.UseRequestLog();
app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
// Before the guard reads a body: a request over its limit costs as little as possible.
app.UseRateLimiter();
app.UseRequestGuard();
app.UseAuthorization();

app.MapActorsMetrics();
app.MapActorsHealth();
app.MapOpenApi();
app.MapDevTokenApi();
app.MapDevOutboxApi();
app.MapCatalogApi();
app.MapCustomerApi();
app.MapIdentityApi();
app.MapMergeApi();
app.MapCartApi();
app.MapPaymentMethodApi();
app.MapLimitsApi();
app.MapStepUpApi();
app.MapConsentApi();
app.MapCheckoutApi();
app.MapPaymentHistoryApi();
app.MapAuditApi();
app.MapExperimentsApi();
app.MapPosApi();
app.MapCaseApi();
app.MapExportApi();
app.MapSupportApi();
app.MapCustomerHub();

app.Run();
