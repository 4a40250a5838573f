package main

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/soko-wms/soko/internal/notify"
	"github.com/soko-wms/soko/internal/soko"
)

// config is everything soko reads from its environment; flags override it.
type config struct {
	DatabaseURL string // SOKO_DATABASE_URL: postgres://… or a SQLite file path
	Addr        string // SOKO_ADDR
	BaseURL     string // SOKO_BASE_URL: how people reach this server, for links
	SMTPURL     string // SOKO_SMTP_URL: smtp://user:pass@host:587?from=shipping@example.jp
	LogFormat   string // SOKO_LOG_FORMAT: text or json
	// ExpiryMargin (SOKO_EXPIRY_MARGIN_DAYS) is how many days a lot must
	// still be good after delivery for allocation to send it.
	ExpiryMargin time.Duration
	// WaveEvery (SOKO_WAVE_MINUTES) releases a batch wave of up to WaveSize
	// (SOKO_WAVE_SIZE) allocated orders on a schedule; 0 leaves waves to supervisors.
	WaveEvery time.Duration
	WaveSize  int
	// DBPool (SOKO_DB_POOL) is how many database connections a server
	// keeps at most; 0, the default, sizes the pool from the machine.
	DBPool int
	// WarehouseName (SOKO_WAREHOUSE_NAME) is printed as the shipping site on
	// handover lists and as the issuer of merchants' statements.
	WarehouseName string
	// InvoiceNumber (SOKO_INVOICE_NUMBER) is the warehouse's 適格請求書発行事業者
	// registration number (T and 13 digits), printed on merchants' statements.
	InvoiceNumber string
	// PrinterDPI (SOKO_PRINTER_DPI, 203 or 300; default 203) is the stations'
	// printer resolution, which barcodes are drawn in whole dots of.
	PrinterDPI int
	// WebhookAllowHosts (SOKO_WEBHOOK_ALLOW_HOSTS, comma-separated) are
	// hosts on internal networks that merchants' webhooks may reach.
	WebhookAllowHosts []string
	// NotifyBatch (SOKO_NOTIFY_BATCH) is how many notifications a worker
	// takes at once; NotifyLease (SOKO_NOTIFY_LEASE) how long they stay its
	// own (default: enough for the batch to time out).
	NotifyBatch int
	NotifyLease time.Duration
	// TrustedProxies (SOKO_TRUSTED_PROXIES, comma-separated CIDRs or
	// addresses) are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto soko believes; nobody else's.
	TrustedProxies []netip.Prefix
	// MetricsAddr (SOKO_METRICS_ADDR) is a listen address of its own for
	// /metrics, e.g. 127.0.0.1:9090; MetricsToken (SOKO_METRICS_TOKEN) is a
	// bearer token /metrics then requires, and without which the public
	// listener does not serve /metrics at all. With neither set, no
	// metrics are served.
	MetricsAddr  string
	MetricsToken string
}

// configError names the variable or flag that is wrong, so start-up stops with one clear line.
type configError struct {
	name, problem string
}

func (e *configError) Error() string { return e.name + " " + e.problem }

// loadConfig reads SOKO_* variables through getenv and checks every value.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		DatabaseURL: getenv("SOKO_DATABASE_URL"),
		Addr:        getenv("SOKO_ADDR"),
		BaseURL:     getenv("SOKO_BASE_URL"),
		SMTPURL:     getenv("SOKO_SMTP_URL"),
		LogFormat:   getenv("SOKO_LOG_FORMAT"),
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = "soko.db"
	}
	if c.Addr == "" {
		c.Addr = ":8080"
	}
	if c.LogFormat == "" {
		c.LogFormat = "text"
	}
	if v := getenv("SOKO_EXPIRY_MARGIN_DAYS"); v != "" {
		days, err := strconv.Atoi(v)
		if err != nil || days < 0 || days > 3650 {
			return c, &configError{"SOKO_EXPIRY_MARGIN_DAYS", fmt.Sprintf("must be a number of days from 0 to 3650, not %q", v)}
		}
		c.ExpiryMargin = time.Duration(days) * 24 * time.Hour
	}
	if v := getenv("SOKO_WAVE_MINUTES"); v != "" {
		m, err := strconv.Atoi(v)
		if err != nil || m < 0 || m > 24*60 {
			return c, &configError{"SOKO_WAVE_MINUTES", fmt.Sprintf("must be minutes from 0 to 1440, not %q", v)}
		}
		c.WaveEvery = time.Duration(m) * time.Minute
	}
	c.WarehouseName = getenv("SOKO_WAREHOUSE_NAME")
	if c.WarehouseName == "" {
		c.WarehouseName = "soko 倉庫"
	}
	if v := getenv("SOKO_INVOICE_NUMBER"); v != "" {
		c.InvoiceNumber = soko.InvoiceNumber(v)
		if !soko.ValidInvoiceNumber(c.InvoiceNumber) {
			return c, &configError{"SOKO_INVOICE_NUMBER", fmt.Sprintf("must be T and 13 digits with a valid check digit, not %q", v)}
		}
	}
	c.PrinterDPI = 203
	if v := getenv("SOKO_PRINTER_DPI"); v != "" {
		if v != "203" && v != "300" {
			return c, &configError{"SOKO_PRINTER_DPI", fmt.Sprintf("must be 203 or 300, not %q", v)}
		}
		c.PrinterDPI, _ = strconv.Atoi(v)
	}
	for _, h := range strings.Split(getenv("SOKO_WEBHOOK_ALLOW_HOSTS"), ",") {
		if h = strings.TrimSpace(h); h != "" {
			c.WebhookAllowHosts = append(c.WebhookAllowHosts, h)
		}
	}
	c.NotifyBatch = 10
	if v := getenv("SOKO_NOTIFY_BATCH"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return c, &configError{"SOKO_NOTIFY_BATCH", fmt.Sprintf("must be a number from 1 to 100, not %q", v)}
		}
		c.NotifyBatch = n
	}
	if v := getenv("SOKO_NOTIFY_LEASE"); v != "" {
		// The lease must outlast a whole batch of deliveries timing out, or
		// another worker takes messages this one has yet to send.
		least := time.Duration(c.NotifyBatch)*notify.DeliveryTimeout + time.Second
		d, err := time.ParseDuration(v)
		if err != nil || d < least || d > time.Hour {
			return c, &configError{"SOKO_NOTIFY_LEASE", fmt.Sprintf("must be a duration from %s (SOKO_NOTIFY_BATCH × %s + 1s) to 1h, not %q", least, notify.DeliveryTimeout, v)}
		}
		c.NotifyLease = d
	}
	for _, v := range strings.Split(getenv("SOKO_TRUSTED_PROXIES"), ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, aerr := netip.ParseAddr(v)
			if aerr != nil || a.Zone() != "" {
				return c, &configError{"SOKO_TRUSTED_PROXIES", fmt.Sprintf("must be comma-separated CIDRs such as 10.0.0.0/8 or addresses, not %q", v)}
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		c.TrustedProxies = append(c.TrustedProxies, p.Masked())
	}
	c.MetricsAddr = getenv("SOKO_METRICS_ADDR")
	c.MetricsToken = getenv("SOKO_METRICS_TOKEN")
	if v := getenv("SOKO_DB_POOL"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return c, &configError{"SOKO_DB_POOL", fmt.Sprintf("must be a number of connections from 1 to 1000, not %q", v)}
		}
		c.DBPool = n
	}
	c.WaveSize = 20
	if v := getenv("SOKO_WAVE_SIZE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return c, &configError{"SOKO_WAVE_SIZE", fmt.Sprintf("must be a number of orders from 1 to 1000, not %q", v)}
		}
		c.WaveSize = n
	}
	return c, c.check("SOKO_")
}

// check validates every value; prefix is SOKO_ for the environment, or "" after flags changed them.
func (c config) check(prefix string) error {
	name := func(n string) string {
		if prefix == "" {
			return "--" + strings.ToLower(strings.ReplaceAll(n, "_", "-"))
		}
		return prefix + n
	}
	if strings.Contains(c.DatabaseURL, "://") {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			return &configError{name("DATABASE_URL"), "must be a postgres://host/db URL or a SQLite file path"}
		}
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		return &configError{name("ADDR"), fmt.Sprintf("must be host:port or :port, not %q", c.Addr)}
	}
	if c.MetricsAddr != "" {
		if _, port, err := net.SplitHostPort(c.MetricsAddr); err != nil || port == "" {
			return &configError{name("METRICS_ADDR"), fmt.Sprintf("must be host:port, such as 127.0.0.1:9090, not %q", c.MetricsAddr)}
		}
		if c.MetricsAddr == c.Addr {
			return &configError{name("METRICS_ADDR"), fmt.Sprintf("must differ from the public address %s", c.Addr)}
		}
	}
	if c.MetricsToken != "" && (len(c.MetricsToken) < 16 || strings.ContainsAny(c.MetricsToken, " \t\r\n")) {
		return &configError{name("METRICS_TOKEN"), "must be at least 16 characters without spaces"}
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &configError{name("BASE_URL"), fmt.Sprintf("must be an http(s)://host URL, not %q", c.BaseURL)}
		}
	}
	if c.SMTPURL != "" {
		if _, err := notify.NewMailer(c.SMTPURL); err != nil {
			return &configError{name("SMTP_URL"), err.Error()}
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return &configError{name("LOG_FORMAT"), fmt.Sprintf("must be text or json, not %q", c.LogFormat)}
	}
	return nil
}

// redacted is the database URL without its password, for messages.
func (c config) redacted() string {
	if u, err := url.Parse(c.DatabaseURL); err == nil && u.Scheme != "" {
		return u.Redacted()
	}
	return c.DatabaseURL
}
