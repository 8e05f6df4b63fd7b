"""Request and response bodies of posts: a finished reel sent to connected accounts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from app.publishing.platforms import PlatformName

Privacy = Literal["private", "unlisted", "public"]
PostStateName = Literal["scheduled", "uploading", "processing", "published", "failed",
                        "cancelled"]


class PostText(BaseModel):
    """The words of one platform's posts; anything left out comes from the content step
    (the render's attribution text is appended to the description and caption)."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=5000)
    caption: str | None = Field(None, max_length=2200)
    hashtags: list[str] | None = Field(None, max_length=30)


class SocialPostSubmit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    job_id: uuid.UUID | None = Field(None, description="A succeeded video job of yours")
    workflow_id: uuid.UUID | None = Field(None, description="A succeeded workflow of yours")
    account_ids: list[uuid.UUID] = Field(min_length=1, max_length=20,
                                         description="Connected accounts to post to")
    text: dict[PlatformName, PostText] = Field(default_factory=dict,
                                               description="Per platform")
    privacy: Privacy = "private"
    publish_at: AwareDatetime | None = Field(None, description="Hold the posts until then "
                                             "(with a time zone); now when left out")

    @model_validator(mode="after")
    def _one_source(self) -> SocialPostSubmit:
        if (self.job_id is None) == (self.workflow_id is None):
            raise ValueError("give exactly one of job_id and workflow_id")
        if len(set(self.account_ids)) != len(self.account_ids):
            raise ValueError("account_ids: an account is named twice")
        return self


class SocialPostMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    publish_at: AwareDatetime = Field(description="The new time (with a time zone)")


class SocialPostRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    account_id: uuid.UUID | None = Field(description="The connected account; null once it "
                                                     "was disconnected (the post stays)")
    platform: PlatformName
    source_kind: Literal["job", "workflow"]
    source_id: uuid.UUID
    state: PostStateName
    publish_at: datetime
    title: str
    description: str
    caption: str
    hashtags: list[str]
    privacy: str
    job_id: uuid.UUID | None = Field(description="The publish job, once the post is due")
    remote_id: str | None = Field(description="The platform's upload, publish or container "
                                              "id, recorded as soon as it returned it")
    post_id: str | None
    post_url: str | None
    error: dict[str, Any] | None
    attempts: int
    project_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None


class SocialPostsSubmitted(BaseModel):
    posts: list[SocialPostRead] = Field(description="One per account, in the order asked; "
                                        "a post that existed already is returned as it is")


class SocialPostPage(BaseModel):
    items: list[SocialPostRead]
    next_cursor: str | None
