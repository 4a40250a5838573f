package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/cmd/internal/sokoproc"
	"github.com/soko-wms/soko/internal/password"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// binary is the soko program built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) { sokoproc.Main(m, &binary) }

// mustStart starts `soko serve` on a free port and waits until it listens.
func mustStart(t *testing.T, env []string, args ...string) *sokoproc.Process {
	t.Helper()
	return sokoproc.MustStart(t, binary, env, args...)
}

func mustGet(t *testing.T, u string) (int, string) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// checkDemo starts soko --demo twice on one database: the first start seeds
// and prints logins, the second keeps the data and does not seed again.
func checkDemo(t *testing.T, env []string) {
	first := mustStart(t, env, "--demo")
	out := first.Output.String()
	for _, want := range []string{"demo warehouse seeded", "P001", "supervisor", "soko_"} {
		if !strings.Contains(out, want) {
			t.Fatalf("first start did not print %q:\n%s", want, out)
		}
	}
	if code, body := mustGet(t, first.URL+"/readyz"); code != 200 {
		t.Fatalf("readyz %d %s", code, body)
	}
	// The demo's working day has been played by the time soko listens: the
	// first merchant's key finds its orders shipped.
	key := regexp.MustCompile(`soko_[a-z2-7]{32}`).FindString(out)
	req, _ := http.NewRequest("GET", first.URL+"/api/v1/orders?status=shipped", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), `"status":"shipped"`) {
		t.Fatalf("no demo order of the first merchant has shipped: %d %s", res.StatusCode, b)
	}
	if _, body := mustGet(t, first.URL+"/"); !strings.Contains(body, "さくら雑貨店") {
		t.Fatalf("home page does not show the demo merchant:\n%.500s", body)
	}
	// Each merchant's owner signs in to the portal with the printed login.
	login := regexp.MustCompile(`SAKURA\s+owner\s+(\S+@\S+)\s+(\S+)`).FindStringSubmatch(out)
	if login == nil {
		t.Fatalf("no portal login printed:\n%s", out)
	}
	res, err = http.Post(first.URL+"/portal/session", "application/json", strings.NewReader(`{"email":"`+login[1]+`","password":"`+login[2]+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), `"merchant_code":"SAKURA"`) {
		t.Fatalf("the printed portal login: %d %s", res.StatusCode, b)
	}
	first.Stop(t)

	second := mustStart(t, env, "--demo")
	if out := second.Output.String(); strings.Contains(out, "demo warehouse seeded") || !strings.Contains(out, "not seeding again") {
		t.Fatalf("second start seeded again:\n%s", out)
	}
	if code, _ := mustGet(t, second.URL+"/readyz"); code != 200 {
		t.Fatalf("second start readyz %d", code)
	}
	second.Stop(t)
}

func TestServe_DemoOnSQLite(t *testing.T) {
	checkDemo(t, []string{"SOKO_DATABASE_URL=" + filepath.Join(t.TempDir(), "soko.db")})
}

func TestServe_DemoOnPostgres(t *testing.T) {
	storagetest.SkipWithoutPostgres(t, "the demo on PostgreSQL")
	checkDemo(t, []string{"SOKO_DATABASE_URL=" + storagetest.MustPostgresSchemaURL(t)})
}

func TestStartup_BadConfigurationStopsWithOneLine(t *testing.T) {
	sokoproc.SkipShort(t)
	dbFile := "SOKO_DATABASE_URL=" + filepath.Join(t.TempDir(), "soko.db")
	cases := []struct {
		name     string
		env      []string
		args     []string
		exit     int
		mentions string
	}{
		{"log format", []string{dbFile, "SOKO_LOG_FORMAT=xml"}, nil, 2, "SOKO_LOG_FORMAT"},
		{"address", []string{dbFile, "SOKO_ADDR=8080"}, nil, 2, "SOKO_ADDR"},
		{"address flag", []string{dbFile}, []string{"--addr", "nowhere"}, 2, "--addr"},
		{"base URL", []string{dbFile, "SOKO_BASE_URL=ftp://x"}, nil, 2, "SOKO_BASE_URL"},
		{"SMTP URL", []string{dbFile, "SOKO_SMTP_URL=mail.example.jp"}, nil, 2, "SOKO_SMTP_URL"},
		{"expiry margin", []string{dbFile, "SOKO_EXPIRY_MARGIN_DAYS=-1"}, nil, 2, "SOKO_EXPIRY_MARGIN_DAYS"},
		{"wave schedule", []string{dbFile, "SOKO_WAVE_MINUTES=often"}, nil, 2, "SOKO_WAVE_MINUTES"},
		{"trusted proxies", []string{dbFile, "SOKO_TRUSTED_PROXIES=10.0.0.0/8, nginx"}, nil, 2, "SOKO_TRUSTED_PROXIES"},
		{"metrics address", []string{dbFile, "SOKO_METRICS_ADDR=9090"}, nil, 2, "SOKO_METRICS_ADDR"},
		{"metrics token", []string{dbFile, "SOKO_METRICS_TOKEN=short"}, nil, 2, "SOKO_METRICS_TOKEN"},
		{"database scheme", []string{"SOKO_DATABASE_URL=mysql://db/soko"}, nil, 2, "SOKO_DATABASE_URL"},
		{"database unreachable", []string{"SOKO_DATABASE_URL=postgres://soko:secret@127.0.0.1:1/soko?connect_timeout=2"}, nil, 1, "cannot open the database"},
		{"database file in a missing folder", []string{"SOKO_DATABASE_URL=/nonexistent/dir/soko.db"}, nil, 1, "cannot open the database"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0"}, tc.args...)...)
			cmd.Env = append(os.Environ(), tc.env...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			exit, ok := err.(*exec.ExitError)
			if !ok || exit.ExitCode() != tc.exit {
				t.Fatalf("exit %v, want %d; stderr:\n%s", err, tc.exit, stderr.String())
			}
			msg := strings.TrimSpace(stderr.String())
			if strings.Count(msg, "\n") > 0 || !strings.Contains(msg, tc.mentions) || strings.Contains(msg, "goroutine") {
				t.Fatalf("want one line mentioning %q, got:\n%s", tc.mentions, msg)
			}
			if strings.Contains(msg, "secret") {
				t.Fatalf("the database password was printed: %s", msg)
			}
		})
	}
}

// runSoko runs one admin command in-process and returns what it printed.
func runSoko(t *testing.T, dbURL string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	getenv := func(k string) string {
		if k == "SOKO_DATABASE_URL" {
			return dbURL
		}
		return ""
	}
	err := run(context.Background(), args, getenv, &out, io.Discard)
	return out.String(), err
}

func TestAdmin_MerchantKeyAndStaff(t *testing.T) {
	dbURL := filepath.Join(t.TempDir(), "soko.db")
	if _, err := runSoko(t, dbURL, "merchant", "add", "--code", "SAKURA", "--name", "さくら雑貨店"); err != nil {
		t.Fatal(err)
	}
	if _, err := runSoko(t, dbURL, "merchant", "add", "--code", "SAKURA", "--name", "二重"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("duplicate merchant: %v", err)
	}
	out, err := runSoko(t, dbURL, "apikey", "create", "--merchant", "SAKURA", "--name", "shop")
	if err != nil {
		t.Fatal(err)
	}
	secret := regexp.MustCompile(`soko_[a-z2-7]{32}`).FindString(out)
	if secret == "" {
		t.Fatalf("apikey create printed no key:\n%s", out)
	}
	if _, err := runSoko(t, dbURL, "apikey", "create", "--merchant", "NOPE"); err == nil {
		t.Fatal("key for an unknown merchant was created")
	}

	ctx := context.Background()
	db, err := storage.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Authenticate(ctx, secret); err != nil {
		t.Fatalf("printed key does not work: %v", err)
	}
	list, _ := runSoko(t, dbURL, "apikey", "list", "--merchant", "SAKURA")
	if strings.Contains(list, secret) || !strings.Contains(list, secret[:13]) {
		t.Fatalf("apikey list must show the prefix and never the key:\n%s", list)
	}
	// A key limited to reading, for a reporting tool, until a given day.
	out, err = runSoko(t, dbURL, "apikey", "create", "--merchant", "SAKURA", "--name", "report", "--scope", "read", "--expires", "2099-03-31")
	if err != nil {
		t.Fatal(err)
	}
	reader, err := db.Authenticate(ctx, regexp.MustCompile(`soko_[a-z2-7]{32}`).FindString(out))
	if err != nil || !slices.Equal(reader.Scopes, []string{"read"}) || !reader.ExpiresAt.Equal(time.Date(2099, 3, 30, 15, 0, 0, 0, time.UTC)) {
		t.Fatalf("scoped key: %+v %v\n%s", reader, err, out)
	}
	if list, _ := runSoko(t, dbURL, "apikey", "list", "--merchant", "SAKURA"); !strings.Contains(list, "read") || !strings.Contains(list, "2099-03-30 15:00") {
		t.Fatalf("apikey list lacks the scope or the expiry:\n%s", list)
	}
	for _, bad := range [][]string{{"--scope", "admin"}, {"--expires", "2020-01-01"}, {"--expires", "next week"}} {
		if _, err := runSoko(t, dbURL, append([]string{"apikey", "create", "--merchant", "SAKURA"}, bad...)...); err == nil {
			t.Errorf("apikey create %v was accepted", bad)
		}
	}
	if _, err := runSoko(t, dbURL, "apikey", "revoke", secret[:13]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Authenticate(ctx, secret); err == nil {
		t.Fatal("revoked key still works")
	}

	out, err = runSoko(t, dbURL, "staff", "add", "--badge", "V001", "--name", "伊藤 誠", "--role", "supervisor")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`PIN \(shown only now\): [0-9]{6}`).MatchString(out) {
		t.Fatalf("staff add printed no PIN:\n%s", out)
	}
	if _, err := runSoko(t, dbURL, "staff", "add", "--badge", "X001", "--name", "x", "--role", "boss", "--pin", "1234"); err == nil {
		t.Fatal("unknown role accepted")
	}
	for _, weak := range []string{"0000", "000000", "123456", "7294"} {
		if _, err := runSoko(t, dbURL, "staff", "add", "--badge", "A009", "--name", "x", "--role", "admin", "--pin", weak); err == nil {
			t.Fatalf("admin PIN %s accepted", weak)
		}
	}
	out, err = runSoko(t, dbURL, "staff", "add", "--badge", "random", "--name", "新人", "--role", "picker", "--pin", "7294")
	if err != nil || !regexp.MustCompile(`staff B[0-9]{8} added`).MatchString(out) {
		t.Fatalf("staff add with a random badge: %q %v", out, err)
	}
	// Each change these commands made is audited as the command line's;
	// the refused ones left nothing.
	logged, _, err := db.AuditLog(ctx, soko.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range logged {
		if e.Actor.Kind != soko.ActorCLI {
			t.Errorf("%s audited as %+v, want the command line", e.Action, e.Actor)
		}
		actions = append(actions, string(e.Action))
	}
	if got := strings.Join(actions, " "); got != "staff.create staff.create api_key.revoke api_key.create api_key.create merchant.create" {
		t.Errorf("audited %q", got)
	}
	if out, err := runSoko(t, dbURL, "check", "stock"); err != nil || !strings.Contains(out, "balances") {
		t.Fatalf("check stock: %q %v", out, err)
	}
	orders := filepath.Join(t.TempDir(), "orders.tsv")
	if err := os.WriteFile(orders, []byte("SAKURA\tNEVER-SENT\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := runSoko(t, dbURL, "check"); err != nil || !allChecksPassed(out) {
		t.Fatalf("check: %q %v", out, err)
	}
	if out, err := runSoko(t, dbURL, "check", "--orders", orders); err == nil || !strings.Contains(out, "FAIL acknowledged orders exist once") || !strings.Contains(out, "NEVER-SENT") {
		t.Fatalf("check with an order that does not exist: %q %v", out, err)
	}
	if out, err := runSoko(t, dbURL, "version"); err != nil || !strings.HasPrefix(out, "soko ") {
		t.Fatalf("version: %q %v", out, err)
	}
}

func TestServe_MetricsOnTheirOwnAddress(t *testing.T) {
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := free.Addr().String()
	free.Close()
	p := mustStart(t, []string{"SOKO_DATABASE_URL=" + filepath.Join(t.TempDir(), "soko.db"), "SOKO_METRICS_ADDR=" + metricsAddr})
	mustGet(t, p.URL+"/healthz")
	if code, _ := mustGet(t, p.URL+"/metrics"); code != http.StatusNotFound {
		t.Fatalf("/metrics on the public address: %d, want 404", code)
	}
	code, body := mustGet(t, "http://"+metricsAddr+"/metrics")
	if code != 200 || !strings.Contains(body, `soko_http_requests_total{method="GET",route="/healthz",status="2xx"} 1`) {
		t.Fatalf("metrics address: %d\n%.2000s", code, body)
	}
	p.Stop(t)
}

func TestConfig_TrustedProxiesAndMetrics(t *testing.T) {
	env := map[string]string{
		"SOKO_TRUSTED_PROXIES": " 10.0.1.0/24, 127.0.0.1 ,::1,192.168.1.77/16",
		"SOKO_METRICS_ADDR":    "127.0.0.1:9090",
		"SOKO_METRICS_TOKEN":   "0123456789abcdef",
	}
	c, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.TrustedProxies {
		got = append(got, p.String())
	}
	if strings.Join(got, " ") != "10.0.1.0/24 127.0.0.1/32 ::1/128 192.168.0.0/16" || c.MetricsAddr != "127.0.0.1:9090" || c.MetricsToken != env["SOKO_METRICS_TOKEN"] {
		t.Fatalf("config %v %q %q", got, c.MetricsAddr, c.MetricsToken)
	}
	env["SOKO_METRICS_ADDR"] = ":8080"
	if _, err := loadConfig(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "SOKO_METRICS_ADDR") {
		t.Fatalf("metrics on the public address: %v", err)
	}
}

// allChecksPassed reports whether soko check's report has every check it
// runs (nine) and each line says ok.
func allChecksPassed(out string) bool {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return len(lines) >= 9 && strings.Count(out, "\nok  ")+1 == len(lines) && strings.HasPrefix(out, "ok  ")
}

// An admin gives a merchant's people portal accounts: with a password, or
// with a link to set one; a bad email or role is refused.
func TestAdmin_PortalUser(t *testing.T) {
	dbURL := filepath.Join(t.TempDir(), "soko.db")
	if _, err := runSoko(t, dbURL, "merchant", "add", "--code", "SAKURA", "--name", "さくら雑貨店"); err != nil {
		t.Fatal(err)
	}
	out, err := runSoko(t, dbURL, "portal-user", "create", "--merchant", "SAKURA", "--email", "Owner@Sakura.example", "--role", "owner", "--password", "a-long-password")
	if err != nil || !strings.Contains(out, "portal user owner@sakura.example added to SAKURA as owner") || strings.Contains(out, "/portal/reset#") {
		t.Fatalf("portal-user create with a password: %q %v", out, err)
	}
	out, err = runSoko(t, dbURL, "portal-user", "create", "--merchant", "SAKURA", "--email", "staff@sakura.example", "--role", "staff")
	link := regexp.MustCompile(`/portal/reset#([A-Za-z0-9_-]{43})`).FindStringSubmatch(out)
	if err != nil || link == nil {
		t.Fatalf("portal-user create without a password: %q %v", out, err)
	}
	for _, bad := range [][]string{
		{"--email", "staff@sakura.example", "--role", "staff"},
		{"--email", "x@sakura.example", "--role", "boss"},
		{"--email", "not-an-email", "--role", "staff"},
		{"--email", "y@sakura.example", "--role", "staff", "--password", "short"},
	} {
		if _, err := runSoko(t, dbURL, append([]string{"portal-user", "create", "--merchant", "SAKURA"}, bad...)...); err == nil {
			t.Errorf("portal-user create %v was accepted", bad)
		}
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.FindPortalUserByEmail(ctx, "owner@sakura.example")
	if err != nil || !password.Check(u.PasswordHash, "a-long-password") {
		t.Fatalf("owner: %+v %v", u, err)
	}
	if _, err := db.ResetPassword(ctx, link[1], "hash"); err != nil {
		t.Fatalf("the printed link: %v", err)
	}
}
