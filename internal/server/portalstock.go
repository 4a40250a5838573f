package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"

	"github.com/soko-wms/soko/internal/csvcell"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// stockCSV answers with a CSV file to keep.
type stockCSV struct {
	name, charset string
	body          []byte
}

func (r stockCSV) VisitDownloadPortalStockCSVResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "text/csv; charset="+r.charset)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, r.name))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(r.body)
	return err
}

// DownloadPortalStockCSV answers GET /portal/stock.csv: the signed-in
// user's merchant's stock per SKU, every page of it.
func (h apiHandlers) DownloadPortalStockCSV(ctx context.Context, req api.DownloadPortalStockCSVRequestObject) (api.DownloadPortalStockCSVResponseObject, error) {
	sess, _ := portalSessionOf(ctx)
	var buf bytes.Buffer
	sjis := req.Params.Encoding != nil && *req.Params.Encoding == "shift_jis"
	if !sjis {
		buf.WriteString("\uFEFF")
	}
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	w.Write([]string{"SKU", "商品名", "引当可能", "引当済", "保留", "実在庫", "安全在庫"})
	page := soko.Page{Limit: soko.MaxPageSize}
	for {
		ss, err := h.store.ListStock(ctx, sess.User.MerchantID, page)
		if err != nil {
			return nil, err
		}
		more := len(ss) > page.Size()
		if more {
			ss = ss[:page.Size()]
		}
		for _, s := range ss {
			w.Write([]string{csvcell.Safe(s.SKU), csvcell.Safe(s.Name), strconv.Itoa(s.Available()), strconv.Itoa(s.Allocated),
				strconv.Itoa(s.Held), strconv.Itoa(s.OnHand), strconv.Itoa(s.Buffer)})
		}
		if !more || len(ss) == 0 {
			break
		}
		page.After = ss[len(ss)-1].ProductID
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	name := fmt.Sprintf("stock-%s-%s.csv", sess.Merchant.Code, h.now().In(soko.JST).Format("20060102-1504"))
	if !sjis {
		return stockCSV{name: name, charset: "utf-8", body: buf.Bytes()}, nil
	}
	out, err := encoding.ReplaceUnsupported(japanese.ShiftJIS.NewEncoder()).Bytes(buf.Bytes())
	if err != nil {
		return nil, err
	}
	return stockCSV{name: name, charset: "shift_jis", body: out}, nil
}
