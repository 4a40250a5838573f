package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

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
	role := fs.String("role", "", "role: picker, packer, shipper, supervisor or admin")
	pin := fs.String("pin", "", "PIN, 4-8 digits for pickers and packers, 6-8 for other roles, not trivial (default: a random one, printed once)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()

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
		for _, m := range ms {
			fmt.Fprintf(tw, "%s\t%s\n", m.Code, m.Name)
		}
		return tw.Flush()
	case "apikey create":
		m, err := db.FindMerchantByCode(ctx, *merchantCode)
		if err != nil {
			return fmt.Errorf("%s", errorLine(err))
		}
		secret, prefix, hash := soko.NewAPIKeySecret()
		if err := db.CreateAPIKey(ctx, &soko.APIKey{MerchantID: m.ID, Name: *name, Prefix: prefix, Hash: hash}); err != nil {
			return err
		}
		fmt.Fprintf(out, "API key for %s (shown only now; soko keeps just its hash):\n%s\n", m.Code, secret)
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
		fmt.Fprintln(tw, "PREFIX\tNAME\tCREATED\tLAST USED\tREVOKED")
		for _, k := range keys {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.Prefix, k.Name, k.CreatedAt.Format("2006-01-02 15:04"),
				dateOrDash(k.LastUsedAt.IsZero(), k.LastUsedAt.Format("2006-01-02 15:04")),
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
	}
	return nil
}

func dateOrDash(zero bool, s string) string {
	if zero {
		return "-"
	}
	return s
}
