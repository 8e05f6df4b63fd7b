"""Posts of finished reels to connected accounts: submit, list, cancel, move
(posts.py), where a post's file and words come from (sources.py), and the tick that hands
due scheduled posts to their publish jobs (due.py). The job body is
services/workers/social_post.py; docs/publishing.md."""
