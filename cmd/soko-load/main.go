// Command soko-load drives soko servers on this machine as a warehouse day
// — merchants' systems sending orders, pickers, packing stations and the
// dock, each over the HTTP API — and reports what it measured. It is a
// tool for load tests and `make proof`, not part of the shipped soko.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
)

const usage = `soko-load — a warehouse day against soko servers on this machine

usage:
  soko-load --setup [--orders N --handhelds H --stations S] [--world FILE]
                write a load-test warehouse into the empty database of SOKO_DATABASE_URL
  soko-load --targets http://127.0.0.1:PORT,… [--orders N --handhelds H --stations S --duration D --acked FILE]
                drive soko servers on this machine as a warehouse day, then report
  soko-load --help
                every flag

environment: SOKO_DATABASE_URL (--setup only; default soko.db)
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "soko-load:", err)
		var ue *usageError
		if errors.As(err, &ue) || errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError names the flag that is wrong, so the command stops with one
// clear line before it touches anything.
type usageError struct {
	name, problem string
}

func (e *usageError) Error() string { return e.name + " " + e.problem }

// loadOptions are the flags of soko-load.
type loadOptions struct {
	setup      bool
	world      string
	targets    []string
	orders     int
	handhelds  int
	stations   int
	merchants  int
	products   int
	apiClients int
	duration   time.Duration
	intake     time.Duration
	think      time.Duration
	waveSize   int
	truckEvery time.Duration
	acked      string
	webhook    bool
	seed       uint64
	// requireShipped makes the run fail unless every acknowledged order shipped.
	requireShipped bool
}

// loadCarriers are the carriers orders go by, each with the service they ask for.
var loadCarriers = []struct{ code, service string }{
	{"yamato", "takkyubin"}, {"sagawa", "hikyaku"}, {"japanpost", "yupack"},
}

// run is main without the process: --setup writes a warehouse for a load
// run into an empty database; otherwise it drives soko servers on this
// machine over HTTP as a warehouse day and prints what it measured.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("soko-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage+"\nflags:\n")
		fs.PrintDefaults()
	}
	var o loadOptions
	fs.BoolVar(&o.setup, "setup", false, "write a load-test warehouse into the empty database of SOKO_DATABASE_URL, its logins into --world")
	fs.StringVar(&o.world, "world", "soko-load.json", "the file --setup writes and a run reads: API keys, badges and PINs, barcodes")
	targets := fs.String("targets", "", "comma-separated soko servers on this machine: http://127.0.0.1:PORT,…")
	fs.IntVar(&o.orders, "orders", 1000, "orders to send (--setup: orders to stock for)")
	fs.IntVar(&o.handhelds, "handhelds", 50, "picking handhelds (--setup: pickers to create)")
	fs.IntVar(&o.stations, "stations", 8, "packing stations (--setup: packers to create)")
	fs.IntVar(&o.merchants, "merchants", 3, "--setup: merchants, each with an API key")
	fs.IntVar(&o.products, "products", 40, "--setup: products per merchant")
	fs.BoolVar(&o.webhook, "webhook", true, "--setup: give every merchant a webhook endpoint that the run receives on loopback")
	fs.IntVar(&o.apiClients, "api-clients", 8, "concurrent connections of the merchants' systems sending orders")
	fs.DurationVar(&o.duration, "duration", 5*time.Minute, "hard stop; the run ends earlier once every order shipped")
	fs.DurationVar(&o.intake, "intake", 0, "send the orders evenly over this time; 0 as fast as they are taken (default 60% of --duration)")
	fs.DurationVar(&o.think, "think", time.Second, "a picker's walk between two scans; stations pause a fifth of it")
	fs.IntVar(&o.waveSize, "wave-size", 4, "orders per batch wave the supervisor releases")
	fs.DurationVar(&o.truckEvery, "truck-every", 15*time.Second, "how often the dock closes a carrier's loaded truck")
	fs.StringVar(&o.acked, "acked", "soko-load-acked.tsv", "file of acknowledged orders (MERCHANT<TAB>NUMBER), for soko check --orders")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the orders' contents")
	fs.BoolVar(&o.requireShipped, "require-shipped", false, "fail unless every acknowledged order shipped")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{"soko-load", fmt.Sprintf("takes no arguments, not %q", fs.Args())}
	}
	intakeSet := false
	fs.Visit(func(f *flag.Flag) { intakeSet = intakeSet || f.Name == "intake" })
	if !intakeSet {
		o.intake = o.duration * 6 / 10
	}
	for _, c := range []struct {
		name      string
		v, lo, hi int
	}{
		{"--orders", o.orders, 1, 100_000}, {"--handhelds", o.handhelds, 1, 1000}, {"--stations", o.stations, 1, 200},
		{"--merchants", o.merchants, 1, 20}, {"--products", o.products, 1, 1000}, {"--api-clients", o.apiClients, 1, 200},
		{"--wave-size", o.waveSize, 1, 1000},
	} {
		if c.v < c.lo || c.v > c.hi {
			return &usageError{c.name, fmt.Sprintf("must be from %d to %d, not %d", c.lo, c.hi, c.v)}
		}
	}
	if o.duration < time.Second || o.duration > 4*time.Hour {
		return &usageError{"--duration", fmt.Sprintf("must be from 1s to 4h, not %s", o.duration)}
	}
	if o.intake < 0 || o.think < 0 || o.truckEvery < time.Second {
		return &usageError{"--intake, --think, --truck-every", "must not be negative (--truck-every at least 1s)"}
	}
	if o.setup {
		dbURL := getenv("SOKO_DATABASE_URL")
		if dbURL == "" {
			dbURL = "soko.db"
		}
		return setup(ctx, dbURL, o, stdout)
	}
	for _, t := range strings.Split(*targets, ",") {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		u, err := loopbackTarget(t)
		if err != nil {
			return &usageError{"--targets", err.Error()}
		}
		o.targets = append(o.targets, u)
	}
	if len(o.targets) == 0 {
		return &usageError{"--targets", "names no server: give http://127.0.0.1:PORT of each soko"}
	}
	rep, err := runLoad(ctx, o, stdout)
	if err != nil {
		return err
	}
	if o.requireShipped && rep.Shipped < rep.Acked {
		return fmt.Errorf("%d of %d acknowledged orders did not ship", rep.Acked-rep.Shipped, rep.Acked)
	}
	return nil
}

// loopbackTarget checks that a target is an http URL of this machine: a
// load generator must never be pointed at someone else's server.
func loopbackTarget(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Host == "" || u.User != nil || u.RawQuery != "" || (u.Path != "" && u.Path != "/") {
		return "", fmt.Errorf("%q is not an http://host:port URL", raw)
	}
	switch u.Hostname() {
	case "127.0.0.1", "::1", "localhost":
	default:
		return "", fmt.Errorf("%s is not this machine: soko-load drives servers on loopback only (127.0.0.1, ::1, localhost)", u.Hostname())
	}
	return "http://" + u.Host, nil
}

// openDB connects to the database and migrates it, with one clear line
// when either fails.
func openDB(ctx context.Context, dbURL string) (*storage.DB, error) {
	db, err := storage.Open(ctx, dbURL)
	if err != nil {
		return nil, fmt.Errorf("cannot open the database %s: %s", redacted(dbURL), errorLine(err))
	}
	db.SetPoolSize(0) // as soko serve sizes it by default
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot migrate the database %s: %s", redacted(dbURL), errorLine(err))
	}
	return db, nil
}

// redacted is a database URL without its password, for messages.
func redacted(dbURL string) string {
	if u, err := url.Parse(dbURL); err == nil && u.Scheme != "" {
		return u.Redacted()
	}
	return dbURL
}

// errorLine is an error as one line for people: soko errors by their
// message, and drivers' multi-line messages folded onto one line.
func errorLine(err error) string {
	msg := err.Error()
	var se *soko.Error
	if errors.As(err, &se) {
		msg = se.Message.EN
	}
	return strings.Join(strings.Fields(msg), " ")
}
