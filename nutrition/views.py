from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from .models import Food
from .selectors import foods_with_amounts, rls_nutrients


def home(request):
    return render(request, "home.html", {"food_count": Food.objects.count()})


def food_list(request):
    query = request.GET.get("q", "").strip()
    foods = foods_with_amounts(Food.objects.search(query))
    page = Paginator(foods, 50).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "nutrients": rls_nutrients()}
    template = "nutrition/food_list.html#results" if request.htmx else "nutrition/food_list.html"
    return render(request, template, context)


def food_detail(request, pk):
    food = get_object_or_404(foods_with_amounts(Food.objects.prefetch_related("portions")), pk=pk)
    return render(request, "nutrition/food_detail.html", {"food": food})
