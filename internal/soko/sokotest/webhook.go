// Package sokotest holds inputs the tests of several packages share.
package sokotest

// InternalWebhookURLs are webhook URLs that reach the warehouse's own
// network in disguise: every numeric and IPv6 way of writing an internal
// address, and local names. Registration and delivery refuse each one.
var InternalWebhookURLs = []string{
	"https://127.0.0.1/hook",
	"https://127.1/hook",
	"https://2130706433/hook",
	"https://0x7f.1/hook",
	"https://0x7f000001/hook",
	"https://0177.0.0.1/hook",
	"https://127.0.0.1./hook",
	"https://localhost/hook",
	"https://localhost./hook",
	"https://LOCALHOST:8443/hook",
	"https://printer.local/hook",
	"https://db.internal/hook",
	"https://intranet/hook",
	"https://[::1]/hook",
	"https://[::127.0.0.1]/hook",
	"https://[::ffff:127.0.0.1]/hook",
	"https://[::ffff:7f00:1]/hook",
	"https://[64:ff9b::7f00:1]/hook",
	"https://[64:ff9b::a00:1]/hook",
	"https://[2002:7f00:1::]/hook",
	"https://0.0.0.1/hook",
	"https://0/hook",
	"https://0.0.0.0/hook",
	"https://[::]/hook",
	"https://169.254.169.254/latest/meta-data",
	"https://[fe80::1%25eth0]/hook",
	"https://10.0.0.5/hook",
	"https://172.16.0.1/hook",
	"https://192.168.1.1/hook",
	"https://[fd00::1]/hook",
	"https://100.64.0.1/hook",
	"https://224.0.0.1/hook",
	"https://[ff02::1]/hook",
	"https://255.255.255.255/hook",
	"https://256.1/hook",
	"https://1.2.3.4.5/hook",
}
