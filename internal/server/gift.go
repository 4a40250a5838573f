package server

import (
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// giftIn reads the gift options a merchant sent, normalised; checkOrder
// checks them with the rest of the order (soko.AcceptOrder).
func giftIn(in *api.Gift) soko.GiftOptions {
	if in == nil {
		return soko.GiftOptions{}
	}
	g := soko.GiftOptions{Wrap: deref(in.Wrap), Wrapping: soko.Wrapping(deref(in.Wrapping)), Message: deref(in.Message), HidePrices: deref(in.HidePrices)}
	if n := in.Noshi; n != nil {
		g.Noshi = soko.Noshi{Title: n.Title, Name: deref(n.Name), Placement: soko.NoshiPlacement(deref(n.Placement))}
	}
	return g.Normal()
}

// giftOut is an order's gift options as the API shows them.
func giftOut(g soko.GiftOptions) api.GiftOptions {
	out := api.GiftOptions{Wrap: g.Wrap, Wrapping: api.GiftOptionsWrapping(g.Wrapping), Message: g.Message, HidePrices: g.HidePrices}
	if n := g.Noshi; n.Title != "" {
		out.Noshi = &api.NoshiOut{Title: n.Title, Name: n.Name, Placement: api.NoshiOutPlacement(n.Placement)}
	}
	return out
}

// packChecksOut is an order's checklist in the asked language.
func packChecksOut(checks []soko.PackCheck, lang string) []api.PackCheck {
	out := make([]api.PackCheck, len(checks))
	for i, c := range checks {
		out[i] = api.PackCheck{Key: c.Key, Label: c.Label.In(lang), Detail: c.Detail.In(lang)}
		if c.Insert != nil {
			sku, n := c.Insert.SKU, c.Insert.Quantity
			out[i].Sku, out[i].Quantity = &sku, &n
		}
	}
	return out
}
