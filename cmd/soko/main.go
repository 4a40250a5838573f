// Command soko runs the soko warehouse server and its admin commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `soko — 倉庫 warehouse fulfillment

usage:
  soko serve [--addr :8080] [--demo]      run the server (--demo seeds a demo warehouse into an empty database)
  soko migrate                            apply database migrations
  soko merchant add --code CODE --name NAME
  soko merchant list
  soko merchant set-retention --code CODE --days N
                                          erase customers' personal data N days after shipping or
                                          cancelling (0: keep; also daily in soko serve)
  soko erase-expired                      erase personal data past every merchant's retention now
  soko backup FILE                        consistent copy of the SQLite database, also while soko runs
  soko restore FILE                       check a backup and put it in place of the SQLite database
                                          (stop soko first; the old file stays as DATABASE.before-restore)
  soko apikey create --merchant CODE [--name NAME] [--scope read,orders,...] [--expires YYYY-MM-DD]
                                          prints the key once
  soko apikey list --merchant CODE
  soko apikey revoke PREFIX
  soko staff add --badge CODE --name NAME --role ROLE [--pin PIN]
  soko portal-user create --merchant CODE --email EMAIL --role owner|staff|readonly [--name NAME] [--password PW]
                                          a merchant's user of /portal; without --password it is
                                          emailed (and shown) a link to set one, valid for 7 days
  soko check [--orders FILE]              verify every invariant (ledger, no oversell, notifications,
                                          tracking numbers unique across carriers, delivery status
                                          the latest event's, scans once,
                                          acknowledged orders in FILE)
  soko check stock                        verify the stock ledger against stock on hand
  soko import-status FILE                 record a delivery status CSV (伝票番号, 状態, 日時, 場所),
                                          all lines or none
  soko version

environment: SOKO_DATABASE_URL (default soko.db), SOKO_ADDR (default :8080),
SOKO_BASE_URL, SOKO_SMTP_URL, SOKO_LOG_FORMAT (text|json),
SOKO_EXPIRY_MARGIN_DAYS (default 0), SOKO_WAVE_MINUTES (default 0: waves by hand),
SOKO_WAVE_SIZE (default 20), SOKO_DB_POOL (database connections; default from the cores)
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "soko:", err)
		var ce *configError
		if errors.As(err, &ce) || errors.Is(err, flag.ErrHelp) || errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("unknown command; run soko help")

// run is main without the process: tests call it with their own arguments and environment.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	cmd, rest := args[0], args[1:]
	if len(rest) > 0 && (cmd == "merchant" || cmd == "apikey" || cmd == "staff" || cmd == "portal-user" || (cmd == "check" && !strings.HasPrefix(rest[0], "-"))) {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	switch cmd {
	case "version":
		fmt.Fprintln(stdout, "soko", version)
		return nil
	case "serve":
		return serve(ctx, cfg, rest, stdout, stderr)
	case "migrate":
		db, err := openDB(ctx, cfg)
		if err != nil {
			return err
		}
		defer db.Close()
		applied, err := db.Migrate(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "migrations applied: %d %v\n", len(applied), applied)
		return nil
	case "check stock":
		return checkStock(ctx, cfg, stdout)
	case "check":
		return check(ctx, cfg, rest, stdout)
	case "backup":
		return backup(ctx, cfg, rest, stdout)
	case "restore":
		return restore(ctx, cfg, rest, stdout)
	case "import-status":
		return importStatus(ctx, cfg, rest, stdout)
	case "erase-expired":
		return eraseExpired(ctx, cfg, stdout)
	case "merchant add", "merchant list", "merchant set-retention", "apikey create", "apikey list", "apikey revoke", "staff add", "portal-user create":
		return admin(ctx, cfg, cmd, rest, stdout)
	}
	return errUsage
}

// openDB connects and migrates, with one clear line when either fails.
func openDB(ctx context.Context, cfg config) (*storage.DB, error) {
	db, err := storage.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("cannot open the database %s: %s", cfg.redacted(), errorLine(err))
	}
	db.SetPoolSize(cfg.DBPool)
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot migrate the database %s: %s", cfg.redacted(), errorLine(err))
	}
	return db, nil
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

func newLogger(cfg config, w io.Writer) *slog.Logger {
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// checkStock verifies that every stock row is the sum of its ledger lines.
func checkStock(ctx context.Context, cfg config, out io.Writer) error {
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	bad, err := db.CheckLedger(ctx)
	if err != nil {
		return err
	}
	for _, m := range bad {
		fmt.Fprintf(out, "stock %d: on hand %d, ledger %d; allocated %d, ledger %d\n", m.StockID, m.OnHand, m.LedgerOnHand, m.Allocated, m.LedgerAllocated)
	}
	if len(bad) > 0 {
		return fmt.Errorf("the stock ledger does not balance for %d stock rows", len(bad))
	}
	fmt.Fprintln(out, "stock ledger balances: every stock row equals the sum of its movements")
	return nil
}

// check verifies every invariant soko keeps from the database alone, after
// a load run, a crash or a restore; --orders names a file of orders clients
// were told exist ("MERCHANT<TAB>NUMBER" per line), which must each exist once.
func check(ctx context.Context, cfg config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(out)
	ordersFile := fs.String("orders", "", "file of acknowledged orders, one MERCHANT<TAB>NUMBER per line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var acked []storage.OrderKey
	if *ordersFile != "" {
		data, err := os.ReadFile(*ordersFile)
		if err != nil {
			return fmt.Errorf("cannot read --orders: %v", err)
		}
		for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			merchant, number, ok := strings.Cut(strings.TrimSpace(line), "\t")
			if !ok {
				return fmt.Errorf("--orders line %d: want MERCHANT<TAB>NUMBER, not %q", i+1, line)
			}
			acked = append(acked, storage.OrderKey{Merchant: merchant, Number: number})
		}
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	checks, err := db.CheckInvariants(ctx, acked)
	if err != nil {
		return err
	}
	failed := 0
	for _, c := range checks {
		verdict := "ok  "
		if len(c.Problems) > 0 {
			verdict, failed = "FAIL", failed+1
		}
		fmt.Fprintf(out, "%s %-32s %s\n", verdict, c.Name, c.Detail)
		for _, p := range c.Problems {
			fmt.Fprintf(out, "       %s\n", p)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d checks failed", failed, len(checks))
	}
	return nil
}
