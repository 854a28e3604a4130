"""Pagination of long lists (the lists grow with the years: every list page is paginated)."""

from django.core.paginator import Paginator


class IdPaginator(Paginator):
    """A Paginator over a queryset that finds a page's ids first (the filter, the sort and the offset run over
    the ids alone) and then reads that page's rows, with the queryset's select_related, by id. For lists
    whose filter is an OR of scopes: the database cannot walk one index in order and would otherwise sort
    every matching row, columns and joins included, to show fifty."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(list(self.object_list.filter(pk__in=ids)), number, self)
