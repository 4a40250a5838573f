package soko

import (
	"context"
	"net/netip"
	"strconv"
	"strings"
)

// LookupHost resolves a host name to its addresses.
type LookupHost func(ctx context.Context, host string) ([]netip.Addr, error)

// CheckWebhookHost refuses, with the reason in both languages, the host of a webhook URL (as url.URL.Hostname
// gives it) when it is, or may be, on an internal network: the one rule
// registration and delivery share. Addresses are read in every form a
// resolver or browser accepts (127.1, 2130706433, 0x7f.1, 0177.0.0.1,
// [::ffff:127.0.0.1], [64:ff9b::7f00:1]); local names (localhost., *.local,
// names without a dot) are refused; other names are resolved with lookup,
// when given, and refused if any address is internal. A name that does
// not resolve passes: the delivery checks every address it dials. Hosts
// the admin allowed (allowHosts) pass unchecked.
func CheckWebhookHost(ctx context.Context, host string, allowHosts []string, lookup LookupHost) *Error {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "" {
		return Errorf(EINVALID, "the URL has no host").JA("URLにホストがありません")
	}
	if AllowedHost(allowHosts, host) {
		return nil
	}
	internal := Errorf(EINVALID, "%s is on an internal network", host).JA("%s は内部ネットワークのアドレスです", host)
	if a, err := netip.ParseAddr(host); err == nil {
		if InternalAddr(a) {
			return internal
		}
		return nil
	}
	if a, numeric, ok := parseIPv4Number(host); numeric {
		if !ok {
			return Errorf(EINVALID, "%s is not a valid address", host).JA("%s は正しいアドレスではありません", host)
		}
		if InternalAddr(a) {
			return internal
		}
		return nil
	}
	if !strings.Contains(host, ".") || host == "localhost" || strings.HasSuffix(host, ".localhost") ||
		strings.HasSuffix(host, ".local") || strings.HasSuffix(host, ".internal") ||
		strings.HasSuffix(host, ".localdomain") || strings.HasSuffix(host, ".home.arpa") {
		return Errorf(EINVALID, "%s is a name on an internal network", host).JA("%s は内部ネットワークのホスト名です", host)
	}
	if lookup == nil {
		return nil
	}
	addrs, err := lookup(ctx, host)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if InternalAddr(a) {
			return internal
		}
	}
	return nil
}

// parseIPv4Number reads host as the URL standard's IPv4 parser (and
// inet_aton) do when its last label is a number: one to four parts, each
// decimal, 0x-hex or 0-led octal, the last part filling the bytes that
// remain. numeric tells whether host must be read so; ok whether it is a
// valid address then.
func parseIPv4Number(host string) (a netip.Addr, numeric, ok bool) {
	parts := strings.Split(host, ".")
	if !isNumberPart(parts[len(parts)-1]) {
		return netip.Addr{}, false, false
	}
	if len(parts) > 4 {
		return netip.Addr{}, true, false
	}
	var n uint64
	for i, p := range parts {
		v, err := parseNumberPart(p)
		last := i == len(parts)-1
		if err != nil || (!last && v > 255) || (last && v >= 1<<(8*(5-len(parts)))) {
			return netip.Addr{}, true, false
		}
		if last {
			n += v
		} else {
			n += v << (8 * (3 - i))
		}
	}
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true, true
}

// isNumberPart reports whether a label is written as a number: decimal
// digits, or 0x followed by hex digits.
func isNumberPart(p string) bool {
	if p == "" {
		return false
	}
	if rest, hex := strings.CutPrefix(p, "0x"); hex {
		return strings.Trim(rest, "0123456789abcdef") == ""
	}
	return strings.Trim(p, "0123456789") == ""
}

func parseNumberPart(p string) (uint64, error) {
	switch {
	case p == "0x":
		return 0, nil
	case strings.HasPrefix(p, "0x"):
		return strconv.ParseUint(p[2:], 16, 64)
	case len(p) > 1 && p[0] == '0':
		return strconv.ParseUint(p[1:], 8, 64)
	}
	return strconv.ParseUint(p, 10, 64)
}
