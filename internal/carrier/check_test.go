package carrier

import (
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
)

func TestCheckOrder(t *testing.T) {
	type want struct {
		field, ja, en string // substrings the problem's messages must hold
	}
	tests := []struct {
		name             string
		carrier, service string
		slot             soko.TimeSlot
		date             bool
		cod              int64
		want             []want
	}{
		{name: "yamato takkyubin, every choice fine", carrier: "yamato", service: "takkyubin", slot: soko.Slot19To21, date: true},
		{name: "yamato has no 12-14", carrier: "yamato", service: "takkyubin", slot: soko.Slot12To14,
			want: []want{{"time_slot", "ヤマト運輸では配達時間帯 12-14 を指定できません（指定できるのは am, 14-16, 16-18, 18-20, 19-21）", "Yamato Transport has no time slot 12-14"}}},
		{name: "yamato 12-14 refused before a service is chosen", carrier: "yamato", slot: soko.Slot12To14,
			want: []want{{"time_slot", "12-14", "12-14"}}},
		{name: "sagawa has 12-14", carrier: "sagawa", service: "hikyaku", slot: soko.Slot12To14},
		{name: "japanpost 19-21", carrier: "japanpost", service: "yupack", slot: soko.Slot19To21, date: true},
		{name: "nekopos refuses a slot", carrier: "yamato", service: "nekopos", slot: soko.SlotMorning,
			want: []want{{"time_slot", "ネコポスは郵便受けへの投函のため配達時間帯を指定できません", "Nekopos goes into the mailbox"}}},
		{name: "nekopos refuses a date", carrier: "yamato", service: "nekopos", date: true,
			want: []want{{"delivery_date", "ネコポスは郵便受けへの投函のため配達日を指定できません", "no delivery date"}}},
		{name: "yupacket refuses slot, date and COD", carrier: "japanpost", service: "yupacket", slot: soko.Slot14To16, date: true, cod: 1000,
			want: []want{
				{"time_slot", "ゆうパケット", "Yu-Packet"},
				{"delivery_date", "ゆうパケット", "Yu-Packet"},
				{"cod_amount", "代引は日本郵便ではゆうパック（yupack）をご指定ください", "use Yu-Pack (yupack)"},
			}},
		{name: "takkyubin cannot collect: hint collect", carrier: "yamato", service: "takkyubin", cod: 5000,
			want: []want{{"cod_amount", "宅急便では代引できません。代引はヤマト運輸では宅急便コレクト（collect）をご指定ください",
				"TA-Q-BIN cannot collect cash on delivery: with Yamato Transport use TA-Q-BIN Collect (collect)"}}},
		{name: "nekopos cannot collect: hint collect", carrier: "yamato", service: "nekopos", cod: 5000,
			want: []want{{"cod_amount", "代引はヤマト運輸では宅急便コレクト（collect）をご指定ください", "(collect)"}}},
		{name: "collect with COD", carrier: "yamato", service: "collect", slot: soko.SlotMorning, date: true, cod: 12800},
		{name: "collect at the maximum", carrier: "yamato", service: "collect", cod: 300000},
		{name: "collect over the maximum", carrier: "yamato", service: "collect", cod: 300001,
			want: []want{{"cod_amount", "宅急便コレクトの代引金額は300,000円までです（指定: 300,001円）", "at most ¥300,000 on delivery (got ¥300,001)"}}},
		{name: "sagawa e-collect", carrier: "sagawa", service: "hikyaku", cod: 300000},
		{name: "sagawa over the maximum", carrier: "sagawa", service: "hikyaku", cod: 1000000,
			want: []want{{"cod_amount", "飛脚宅配便の代引金額は300,000円まで", "¥1,000,000"}}},
		{name: "yamato COD before a service is chosen", carrier: "yamato", cod: 300000},
		{name: "yamato COD over every COD service's maximum", carrier: "yamato", cod: 300001,
			want: []want{{"cod_amount", "ヤマト運輸の代引金額は300,000円まで", "Yamato Transport collects at most ¥300,000"}}},
		{name: "unknown service", carrier: "yamato", service: "yupack",
			want: []want{{"service", `ヤマト運輸にサービス "yupack" はありません（takkyubin, collect, compact, nekopos, time のいずれか）`, `Yamato Transport has no service "yupack"`}}},
		{name: "unknown service stops further checks", carrier: "yamato", service: "bogus", slot: soko.Slot12To14, cod: 1,
			want: []want{{"service", "bogus", "bogus"}}},
		{name: "unknown carrier", carrier: "fedex", service: "takkyubin",
			want: []want{{"carrier", `配送業者 "fedex" は登録されていません（yamato, sagawa, japanpost, generic のいずれか）`, `unknown carrier "fedex"`}}},
		{name: "carrier codes are exact", carrier: "Yamato",
			want: []want{{"carrier", "Yamato", "Yamato"}}},
		{name: "generic standard", carrier: "generic", service: "standard", date: true},
		{name: "generic has no slots", carrier: "generic", service: "standard", slot: soko.SlotMorning,
			want: []want{{"time_slot", "その他では配達時間帯を指定できません", "Other carrier takes no time slot"}}},
		{name: "generic cannot collect", carrier: "generic", service: "standard", cod: 1000,
			want: []want{{"cod_amount", "配送業者「その他」では代引を扱えません", "carrier Other carrier cannot collect cash on delivery"}}},
		{name: "no carrier yet", slot: soko.Slot12To14, date: true, cod: 500000},
		{name: "no carrier, service alone", service: "nekopos",
			want: []want{{"service", `サービス "nekopos" を指定するときは配送業者も指定してください`, "needs a carrier"}}},
		{name: "no carrier, soko's own values", slot: "20-21", cod: -1,
			want: []want{
				{"time_slot", `配達時間帯 "20-21" は使えません（am, 12-14, 14-16, 16-18, 18-20, 19-21 のいずれか）`, `unknown time slot "20-21"`},
				{"cod_amount", "代引金額は0円以上で指定してください", "must not be negative"},
			}},
		{name: "unknown slot reported once", carrier: "sagawa", service: "hikyaku", slot: "pm",
			want: []want{{"time_slot", `"pm"`, `"pm"`}}},
		{name: "long junk is cut in messages", carrier: strings.Repeat("x", 1000),
			want: []want{{"carrier", strings.Repeat("x", 32) + "…", strings.Repeat("x", 32) + "…"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckOrder(tt.carrier, tt.service, tt.slot, tt.date, tt.cod)
			if len(got) != len(tt.want) {
				t.Fatalf("CheckOrder = %d problems %+v, want %d", len(got), got, len(tt.want))
			}
			for i, w := range tt.want {
				p := got[i]
				if p.Field != w.field || !strings.Contains(p.Message.JA, w.ja) || !strings.Contains(p.Message.EN, w.en) {
					t.Errorf("problem %d = %+v\nwant field %q, Japanese with %q, English with %q", i, p, w.field, w.ja, w.en)
				}
				if len(p.Message.JA) > 400 || len(p.Message.EN) > 400 {
					t.Errorf("problem %d is %d/%d bytes long", i, len(p.Message.JA), len(p.Message.EN))
				}
			}
		})
	}
}

func TestYen(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 300000: "300,000", 1234567: "1,234,567"} {
		if got := yen(n); got != want {
			t.Errorf("yen(%d) = %q, want %q", n, got, want)
		}
	}
}
