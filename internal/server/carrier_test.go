package server

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// A shop's checkout reads what it may offer: each carrier's services, its
// delivery time slots, and the warehouse's pickups from today on with their
// cut-offs; yesterday's pickup left open is not among them.
func TestAPI_Carriers(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		today := soko.WorkDay(storagetest.Fixed) // 2026-11-23 in Japan
		day := func(d int) time.Time {
			y, m, dd := today.AddDate(0, 0, d).Date()
			return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
		}
		for _, m := range []soko.Manifest{
			{Carrier: "yamato", PickupDate: day(0), PickupTime: "17:00"},
			{Carrier: "yamato", PickupDate: day(0), PickupTime: "11:00"},
			{Carrier: "yamato", PickupDate: day(-1), PickupTime: "17:00"},
			{Carrier: "sagawa", PickupDate: day(1)},
		} {
			if err := db.OpenManifest(ctx, &m); err != nil {
				t.Fatal(err)
			}
		}
		shop := client{t, mustAPIServer(t, db, Config{}), keySakura}
		r := shop.must(200, "GET", "/api/v1/carriers", nil)
		var got api.CarrierList
		if err := json.Unmarshal(r.Raw, &got); err != nil {
			t.Fatal(err)
		}
		by := map[string]api.Carrier{}
		for _, c := range got.Data {
			by[c.Code] = c
		}
		if len(by) != 4 || by["yamato"].Name != "ヤマト運輸" || by["japanpost"].NameEn != "Japan Post" {
			t.Fatalf("carriers: %s", r.Raw)
		}
		yamato := by["yamato"]
		if !slices.Equal(yamato.TimeSlots, []api.TimeSlot{"am", "14-16", "16-18", "18-20", "19-21"}) {
			t.Errorf("yamato's time slots %v: it has no 12-14 since 2017", yamato.TimeSlots)
		}
		var nekopos, collect api.CarrierService
		for _, s := range yamato.Services {
			switch s.Code {
			case "nekopos":
				nekopos = s
			case "collect":
				collect = s
			}
		}
		if !nekopos.Thin || nekopos.Cod || !collect.Cod || collect.MaxCodAmount != 300000 || !slices.Contains(collect.SizeClasses, 60) {
			t.Errorf("yamato's services: %+v", yamato.Services)
		}
		jst := time.FixedZone("JST", 9*60*60)
		var pickups []string
		for _, p := range yamato.Pickups {
			pickups = append(pickups, p.Date.String()+" "+p.Time+" "+p.Cutoff.In(jst).Format("15:04"))
		}
		if !slices.Equal(pickups, []string{"2026-11-23 11:00 11:00", "2026-11-23 17:00 17:00"}) {
			t.Errorf("yamato's pickups %v, want today's two, earliest first", pickups)
		}
		if p := by["sagawa"].Pickups; len(p) != 1 || p[0].Time != "" || p[0].Cutoff.In(jst).Format("2006-01-02 15:04") != "2026-11-24 23:59" {
			t.Errorf("sagawa's pickup tomorrow, whenever it comes: %+v", p)
		}
		if len(by["generic"].TimeSlots) != 0 || len(by["japanpost"].Pickups) != 0 {
			t.Errorf("generic's slots %v, japanpost's pickups %v: want none", by["generic"].TimeSlots, by["japanpost"].Pickups)
		}
		// Conditional reads work here as on every GET.
		shop.must(304, "GET", "/api/v1/carriers", nil, "If-None-Match", r.Header.Get("ETag"))
	})
}
