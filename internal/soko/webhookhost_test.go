package soko_test

import (
	"context"
	"errors"
	"net/netip"
	"net/url"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/soko/sokotest"
)

// fakeDNS answers lookups from a table; other names do not resolve.
func fakeDNS(ctx context.Context, host string) ([]netip.Addr, error) {
	addrs := map[string][]string{
		"hooks.example.com":      {"93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"},
		"rebind.example.com":     {"93.184.215.14", "10.0.0.7"},
		"v6loop.example.com":     {"::ffff:127.0.0.1"},
		"metadata.example.com":   {"169.254.169.254"},
		"erp.merchant.example":   {"192.168.10.20"},
		"127.0.0.1.nip.io":       {"127.0.0.1"},
		"nat64-loop.example.com": {"64:ff9b::7f00:1"},
	}[host]
	if addrs == nil {
		return nil, errors.New("no such host")
	}
	var out []netip.Addr
	for _, a := range addrs {
		out = append(out, netip.MustParseAddr(a))
	}
	return out, nil
}

func TestCheckWebhookHost(t *testing.T) {
	ctx := context.Background()
	check := func(raw string, allow ...string) *soko.Error {
		t.Helper()
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		return soko.CheckWebhookHost(ctx, u.Hostname(), allow, fakeDNS)
	}
	for _, raw := range append(sokotest.InternalWebhookURLs,
		"https://rebind.example.com/hook", "https://v6loop.example.com/hook", "https://metadata.example.com/",
		"https://erp.merchant.example/hook", "https://127.0.0.1.nip.io/hook", "https://nat64-loop.example.com/hook") {
		e := check(raw)
		if e == nil || e.Code != soko.EINVALID || e.Message.JA == "" {
			t.Errorf("%s: %v, want refused", raw, e)
		}
	}
	for _, raw := range []string{
		"https://hooks.example.com/soko", "https://HOOKS.example.com./soko", "https://93.184.215.14/hook",
		"https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hook", "https://[64:ff9b::5db8:d70e]/hook",
		"https://not-yet-in-dns.example.com/hook", "https://8.8.8.8/hook", "https://134744072/hook",
	} {
		if e := check(raw); e != nil {
			t.Errorf("%s: %v, want accepted", raw, e)
		}
	}
	// The admin's allowed hosts may be internal.
	for _, raw := range []string{"https://erp.merchant.example/hook", "https://ERP.merchant.example./hook"} {
		if e := check(raw, "erp.merchant.example"); e != nil {
			t.Errorf("%s, allowed: %v", raw, e)
		}
	}
}

func TestInternalAddr_EmbeddedIPv4(t *testing.T) {
	for a, want := range map[string]bool{
		"::127.0.0.1": true, "::ffff:10.1.2.3": true, "64:ff9b::a9fe:a9fe": true, "64:ff9b::808:808": false,
		"2002:c0a8:0101::1": true, "2002:0808:0808::1": false, "fe80::1%eth0": true, "0.0.0.1": true,
		"8.8.8.8": false, "2001:4860:4860::8888": false, "64:ff9b:1::808:808": true, "2001:0:4136:e378::1": true,
	} {
		if got := soko.InternalAddr(netip.MustParseAddr(a)); got != want {
			t.Errorf("InternalAddr(%s) = %v, want %v", a, got, want)
		}
	}
}
