package server

import (
	"encoding/xml"
	"testing"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestDashboard_SupervisorsOnly checks the dashboard and its charts answer a
// supervisor, in workflow order and with 24 hourly bars, and refuse a packer.
func TestDashboard_SupervisorsOnly(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	h := mustOpsServer(t, db)
	boss := signIn(t, h, "V001", "5555")
	packer := signIn(t, h, "K001", "3333")

	r := boss.op("GET", "/ops/dashboard", nil, "")
	if r.Status != 200 {
		t.Fatalf("dashboard: %d %s", r.Status, r.Raw)
	}
	d := decode[api.Dashboard](t, r)
	if stages := d.Stages; len(stages) != 10 || stages[0].Status != "received" || stages[9].Label != "出荷済" {
		t.Errorf("stages %+v: want the ten stages from received to 出荷済", stages)
	}
	if hours := d.ScansPerHour; len(hours) != 24 {
		t.Errorf("%d hours of scans", len(hours))
	}
	for _, series := range []string{"shipped", "scans"} {
		r := boss.op("GET", "/ops/dashboard/charts/"+series, nil, "")
		if r.Status != 200 || r.Header.Get("Content-Type") != "image/svg+xml" {
			t.Fatalf("%s chart: %d %s", series, r.Status, r.Header.Get("Content-Type"))
		}
		var svg struct {
			Title string `xml:"title"`
			Bars  []struct {
				Class string `xml:"class,attr"`
			} `xml:"g>rect"`
		}
		if err := xml.Unmarshal([]byte(r.Raw), &svg); err != nil {
			t.Fatalf("%s chart is not SVG: %v", series, err)
		}
		if len(svg.Bars) != 24 || svg.Title == "" {
			t.Errorf("%s chart: %d bars, title %q", series, len(svg.Bars), svg.Title)
		}
	}
	if r := boss.op("GET", "/ops/dashboard/charts/weather", nil, ""); r.Status != 422 {
		t.Errorf("an unknown chart: %d", r.Status)
	}
	for _, path := range []string{"/ops/dashboard", "/ops/dashboard/charts/scans", "/ops/count-tasks"} {
		if r := packer.op("GET", path, nil, ""); r.Status != 403 {
			t.Errorf("a packer reads %s: %d", path, r.Status)
		}
	}
	if r := packer.op("POST", "/ops/pick-lists/W1-1/release", nil, packer.csrf); r.Status != 403 {
		t.Errorf("a packer takes back a pick list: %d", r.Status)
	}
	if r := boss.op("POST", "/ops/pick-lists/W1-1/release", nil, boss.csrf); r.Status != 404 {
		t.Errorf("taking back a pick list nobody holds: %d %s", r.Status, r.Raw)
	}
}
