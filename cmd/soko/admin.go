package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/soko-wms/soko/internal/password"
	"github.com/soko-wms/soko/internal/soko"
)

// admin runs the merchant, apikey and staff commands.
func admin(ctx context.Context, cfg config, cmd string, args []string, out io.Writer) error {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(out)
	code := fs.String("code", "", "merchant code, e.g. SAKURA")
	name := fs.String("name", "", "name")
	merchantCode := fs.String("merchant", "", "merchant code")
	badge := fs.String("badge", "", "badge code, or random to have soko make one")
	role := fs.String("role", "", "role: picker, packer, shipper, supervisor or admin; for a portal user owner, staff or readonly")
	pin := fs.String("pin", "", "PIN, 4-8 digits for pickers and packers, 6-8 for other roles, not trivial (default: a random one, printed once)")
	scope := fs.String("scope", "", "API key scopes, comma-separated: read, orders, products, inbounds, webhooks (default: all)")
	expires := fs.String("expires", "", "API key expiry, YYYY-MM-DD (the key stops at the start of that day in Japan) or RFC 3339 (default: never)")
	email := fs.String("email", "", "a portal user's email, which they sign in with")
	portalPassword := fs.String("password", "", "a portal user's password, at least 10 characters (default: email them a link to set one)")
	days := fs.Int("days", -1, "days after shipping or cancelling to keep customers' personal data (0: keep)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	// What these commands change is audited as the command line's doing.
	ctx = soko.WithActor(ctx, soko.Actor{Kind: soko.ActorCLI})

	switch cmd {
	case "merchant add":
		m := &soko.Merchant{Code: *code, Name: *name}
		if err := db.CreateMerchant(ctx, m); err != nil {
			return fmt.Errorf("%s", errorLine(err))
		}
		fmt.Fprintf(out, "merchant %s added (%s)\n", m.Code, m.Name)
	case "merchant list":
		ms, err := db.ListMerchants(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CODE\tNAME\tPERSONAL DATA KEPT")
		for _, m := range ms {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", m.Code, m.Name, retention(m.RetentionDays))
		}
		return tw.Flush()
	case "merchant set-retention":
		m, err := db.FindMerchantByCode(ctx, *code)
		if err != nil {
			return fmt.Errorf("%s", errorLine(err))
		}
		if *days < 0 {
			return fmt.Errorf("merchant set-retention needs --days N (0 keeps personal data)")
		}
		if m, err = db.SetRetention(ctx, m.ID, *days); err != nil {
			return fmt.Errorf("%s", errorLine(err))
		}
		fmt.Fprintf(out, "merchant %s: customers' personal data %s\n", m.Code, retention(m.RetentionDays))
	case "apikey create":
		m, err := db.FindMerchantByCode(ctx, *merchantCode)
		if err != nil {
			return fmt.Errorf("%s", errorLine(err))
		}
		scopes, err := soko.ParseScopes(*scope)
		if err != nil {
			return fmt.Errorf("%s", errorLine(err))
		}
		expiry, err := parseExpiry(*expires)
		if err != nil {
			return err
		}
		secret, prefix, hash := soko.NewAPIKeySecret()
		if err := db.CreateAPIKey(ctx, &soko.APIKey{MerchantID: m.ID, Name: *name, Prefix: prefix, Hash: hash, Scopes: scopes, ExpiresAt: expiry}); err != nil {
			return err
		}
		fmt.Fprintf(out, "API key for %s (shown only now; soko keeps just its hash):\n%s\n", m.Code, secret)
		if len(scopes) > 0 {
			fmt.Fprintf(out, "scopes: %s\n", strings.Join(scopes, ", "))
		}
		if !expiry.IsZero() {
			fmt.Fprintf(out, "expires: %s\n", expiry.Format(time.RFC3339))
		}
	case "apikey list":
		m, err := db.FindMerchantByCode(ctx, *merchantCode)
		if err != nil {
			return fmt.Errorf("%s", errorLine(err))
		}
		keys, err := db.ListAPIKeys(ctx, m.ID)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PREFIX\tNAME\tSCOPES\tCREATED\tLAST USED\tEXPIRES\tREVOKED")
		for _, k := range keys {
			scopes := strings.Join(k.Scopes, ",")
			if scopes == "" {
				scopes = "all"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.Prefix, k.Name, scopes, k.CreatedAt.Format("2006-01-02 15:04"),
				dateOrDash(k.LastUsedAt.IsZero(), k.LastUsedAt.Format("2006-01-02 15:04")),
				dateOrDash(k.ExpiresAt.IsZero(), k.ExpiresAt.Format("2006-01-02 15:04")),
				dateOrDash(k.RevokedAt.IsZero(), k.RevokedAt.Format("2006-01-02 15:04")))
		}
		return tw.Flush()
	case "apikey revoke":
		if fs.NArg() != 1 {
			return fmt.Errorf("apikey revoke takes the key's prefix, e.g. soko apikey revoke soko_abcd1234")
		}
		if err := db.RevokeAPIKey(ctx, fs.Arg(0)); err != nil {
			return fmt.Errorf("%s", errorLine(err))
		}
		fmt.Fprintf(out, "API key %s revoked\n", fs.Arg(0))
	case "staff add":
		if *badge == "random" {
			*badge = soko.NewBadgeCode()
		}
		printPIN := *pin == ""
		if printPIN {
			*pin = soko.NewPIN(soko.Role(*role), *badge)
		} else if err := soko.CheckNewPIN(*pin, soko.Role(*role), *badge); err != nil {
			return fmt.Errorf("%s", errorLine(err))
		}
		hash, err := soko.HashPIN(*pin)
		if err != nil {
			return fmt.Errorf("%s", errorLine(err))
		}
		s := &soko.Staff{BadgeCode: *badge, Name: *name, Role: soko.Role(*role), PINHash: hash, Active: true}
		if err := db.CreateStaff(ctx, s); err != nil {
			return fmt.Errorf("%s", errorLine(err))
		}
		fmt.Fprintf(out, "staff %s added: %s, %s\n", s.BadgeCode, s.Name, s.Role)
		if printPIN {
			fmt.Fprintf(out, "PIN (shown only now): %s\n", *pin)
		}
	case "portal-user create":
		m, err := db.FindMerchantByCode(ctx, *merchantCode)
		if err != nil {
			return fmt.Errorf("%s", errorLine(err))
		}
		u := &soko.PortalUser{MerchantID: m.ID, Email: *email, Name: *name, Role: soko.PortalRole(*role)}
		invite := *portalPassword == ""
		if !invite {
			if err := soko.CheckPassword(*portalPassword); err != nil {
				return fmt.Errorf("%s", errorLine(err))
			}
			if u.PasswordHash, err = password.Hash(*portalPassword); err != nil {
				return err
			}
		}
		db.PublicURL = cfg.BaseURL
		token, err := db.CreatePortalUser(ctx, u, invite)
		if err != nil {
			return fmt.Errorf("%s", errorLine(err))
		}
		fmt.Fprintf(out, "portal user %s added to %s as %s\n", u.Email, m.Code, u.Role)
		if invite {
			fmt.Fprintf(out, "link to set the password (emailed; works once, for 7 days):\n%s/portal/reset#%s\n", strings.TrimSuffix(cfg.BaseURL, "/"), token)
		}
	}
	return nil
}

// retention says how long a merchant keeps its customers' personal data.
func retention(days int) string {
	if days == 0 {
		return "kept (no retention set)"
	}
	return fmt.Sprintf("erased %d days after shipping or cancelling", days)
}

// eraseExpired erases personal data past every merchant's retention now,
// as soko serve does daily; running it again erases nothing more.
func eraseExpired(ctx context.Context, cfg config, out io.Writer) error {
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.EraseExpired(ctx)
	fmt.Fprintf(out, "personal data erased from %d orders past their merchant's retention\n", n)
	return err
}

func dateOrDash(zero bool, s string) string {
	if zero {
		return "-"
	}
	return s
}

// parseExpiry reads --expires: a day (the key stops at its start in Japan)
// or an RFC 3339 time; empty is never.
func parseExpiry(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, v, soko.JST)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, v); err != nil {
			return time.Time{}, fmt.Errorf("--expires %q: give a day as 2027-03-31 or a time as 2027-03-31T18:00:00+09:00", v)
		}
	}
	if !t.After(time.Now()) {
		return time.Time{}, fmt.Errorf("--expires %q is in the past", v)
	}
	return t.UTC(), nil
}
