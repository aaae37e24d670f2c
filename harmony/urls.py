"""URL configuration: one DRF router under /api/v1/, the admin, and the dashboard pages."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from harmony import system_api, views
from ingest import views as ingest_views
from ingest.api import (
    BackfillViewSet,
    FollowedArtistsView,
    ImportViewSet,
    PlaylistMirrorViewSet,
    PublicPlaylistImportView,
    SpotifyConnectView,
    SpotifyImportView,
    SpotifyPlaylistsView,
    SpotifyStatusView,
    WatchedArtistViewSet,
)
from library import views as library_views
from library.api import ApiKeyViewSet, DeadLetterViewSet, DownloadViewSet, RuntimeSettingsView
from matching import views as matching_views
from matching.api import SlskdStatusView, SoulseekSearchViewSet
from media_enrich import views as media_views
from media_enrich.api import LibraryFileViewSet

# Routes answer with or without the trailing slash, so a missing "/" is never a redirect or a 404.
router = DefaultRouter()
router.trailing_slash = "/?"  # DRF's constructor only takes on/off; the pattern is what matters
router.register("api-keys", ApiKeyViewSet, basename="api-key")
router.register("downloads", DownloadViewSet, basename="download")
router.register("dlq", DeadLetterViewSet, basename="dead-letter")
router.register("imports", ImportViewSet, basename="import")
router.register("library/files", LibraryFileViewSet, basename="library-file")
router.register("soulseek/searches", SoulseekSearchViewSet, basename="soulseek-search")
router.register("spotify/mirrors", PlaylistMirrorViewSet, basename="spotify-mirror")
router.register("spotify/backfill", BackfillViewSet, basename="spotify-backfill")
router.register("watchlist/artists", WatchedArtistViewSet, basename="watched-artist")

urlpatterns = [
    re_path(r"^api/v1/health/?$", system_api.health_view, name="api-health"),
    re_path(r"^api/v1/ready/?$", system_api.ready_view, name="api-ready"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api/v1/system/status/?$", system_api.SystemStatusView.as_view(), name="api-system-status"),
    re_path(r"^api/v1/soulseek/status/?$", SlskdStatusView.as_view(), name="api-slskd-status"),
    re_path(r"^api/v1/settings/?$", RuntimeSettingsView.as_view(), name="api-settings"),
    re_path(r"^api/v1/spotify/status/?$", SpotifyStatusView.as_view(), name="api-spotify-status"),
    re_path(r"^api/v1/spotify/connect/?$", SpotifyConnectView.as_view(), name="api-spotify-connect"),
    re_path(r"^api/v1/spotify/playlists/?$", SpotifyPlaylistsView.as_view(), name="api-spotify-playlists"),
    re_path(r"^api/v1/spotify/imports/?$", SpotifyImportView.as_view(), name="api-spotify-imports"),
    re_path(r"^api/v1/spotify/followed-artists/?$", FollowedArtistsView.as_view(), name="api-spotify-followed"),
    re_path(
        r"^api/v1/spotify/public-imports/?$", PublicPlaylistImportView.as_view(), name="api-spotify-public-imports"
    ),
    path("api/v1/", include(router.urls)),
    re_path(r"^api/", system_api.ApiNotFoundView.as_view(), name="api-not-found"),
    path("admin/", admin.site.urls),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("status/", views.status_fragment, name="status-fragment"),
    path("settings/", views.settings_page, name="settings"),
    path("imports/", ingest_views.imports_page, name="imports"),
    path("imports/<int:pk>/", ingest_views.import_detail, name="import-detail"),
    path("imports/<int:pk>/cancel/", ingest_views.cancel, name="import-cancel"),
    path("spotify/", ingest_views.spotify_page, name="spotify"),
    path("spotify/connect/", ingest_views.spotify_connect, name="spotify-connect"),
    path("spotify/callback", ingest_views.spotify_callback, name="spotify-callback"),
    path("spotify/disconnect/", ingest_views.spotify_disconnect, name="spotify-disconnect"),
    path("spotify/import/", ingest_views.spotify_import, name="spotify-import"),
    path("spotify/followed-artists/", ingest_views.spotify_followed_artists, name="spotify-followed-artists"),
    path("spotify/mirrors/<int:pk>/sync/", ingest_views.mirror_sync, name="spotify-mirror-sync"),
    path("spotify/mirrors/<int:pk>/stop/", ingest_views.mirror_stop, name="spotify-mirror-stop"),
    path("spotify/backfill/", ingest_views.backfill_start, name="spotify-backfill"),
    path("spotify/backfill/<int:pk>/<str:verb>/", ingest_views.backfill_control, name="spotify-backfill-control"),
    path("spotify/public-import/", ingest_views.public_import, name="spotify-public-import"),
    path("downloads/", library_views.downloads_page, name="downloads"),
    path("downloads/rows/", library_views.download_rows, name="download-rows"),
    path("downloads/<int:pk>/", library_views.download_detail, name="download-detail"),
    path("downloads/<int:pk>/retry/", library_views.retry, name="download-retry"),
    path("downloads/<int:pk>/remove/", library_views.remove, name="download-remove"),
    path("downloads/search/", matching_views.search_page, name="soulseek-search"),
    path("downloads/search/<int:pk>/", matching_views.search_result, name="soulseek-search-result"),
    path("downloads/search/<int:pk>/pick/", matching_views.pick, name="soulseek-search-pick"),
    path("library/", media_views.library_page, name="library"),
    path("library/files/<int:pk>/", media_views.library_file, name="library-file"),
    path("library/files/<int:pk>/refresh/<str:step>/", media_views.refresh, name="library-refresh"),
    path("library/covers/<int:pk>/", media_views.album_cover, name="library-cover"),
    *views.not_built_pages(),
]

handler400 = "harmony.views.bad_request"
handler403 = "harmony.views.permission_denied"
handler404 = "harmony.views.page_not_found"
handler500 = "harmony.views.server_error"
