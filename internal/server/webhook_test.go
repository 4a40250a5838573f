package server

import (
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/soko/sokotest"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

func TestWebhookEndpoint_InternalAddressesRefusedAtRegistration(t *testing.T) {
	h := mustAPIServer(t, storagetest.MustOpenSQLite(t), Config{})
	sakura := client{t, h, keySakura}
	for _, url := range sokotest.InternalWebhookURLs {
		for lang, words := range map[string][]string{"ja": {"このWebhook URLは使えません", "内部ネットワーク", "正しいアドレスではありません"}, "en": {"webhook URL refused", "internal network", "not a valid address"}} {
			r := sakura.do("PUT", "/api/v1/webhook-endpoint", map[string]any{"url": url}, "Accept-Language", lang)
			fields := r.fields()
			if r.Status != 422 || len(fields) != 1 || fields[0] != "url" {
				t.Errorf("%s (%s): %d %s, want 422 naming url", url, lang, r.Status, r.Raw)
				continue
			}
			detail, _ := r.JSON["detail"].(string)
			msg := r.JSON["errors"].([]any)[0].(map[string]any)["message"].(string)
			if !strings.Contains(detail, words[0]) || (!strings.Contains(msg, words[1]) && !strings.Contains(msg, words[2])) {
				t.Errorf("%s (%s): %q, field message %q", url, lang, detail, msg)
			}
		}
	}
	if r := sakura.do("GET", "/api/v1/webhook-endpoint", nil); r.Status != 404 {
		t.Fatalf("a refused URL was stored: %d %s", r.Status, r.Raw)
	}
	sakura.must(200, "PUT", "/api/v1/webhook-endpoint", map[string]any{"url": "https://93.184.215.14/hook"})
}
